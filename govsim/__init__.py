"""govsim: a simulated government web (portals of every CMS family, anti-bot gates, faults, day-by-day
evolution) with a ground-truth manifest. It plays the outside world: it imports nothing from crawler/,
pipelines/, archive/ or scheduler/. See govsim/README.md."""

from __future__ import annotations

from .faults import FAULTS
from .sim import GovSim

__all__ = ["FAULTS", "GovSim"]
