"""pytest plugin: the govsim fixtures (loaded from tests/conftest.py via ``pytest_plugins``).

* ``govsim`` — a started :class:`~govsim.GovSim` (day 1, standard portals, seed 0), one per test.
* ``govsim_factory`` — ``govsim_factory(day=1, portals=None, seed=0)`` starts more; all are closed at teardown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .sim import GovSim


@pytest.fixture
def govsim_factory() -> Iterator[Callable[..., GovSim]]:
    started: list[GovSim] = []

    def make(day: int = 1, portals: int | None = None, seed: int = 0, **kw) -> GovSim:
        sim = GovSim(day=day, portals=portals, seed=seed, **kw).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.close()


@pytest.fixture
def govsim(govsim_factory: Callable[..., GovSim]) -> GovSim:
    return govsim_factory()
