"""``fazhi registry import FILE.csv``: turn a government-website directory into registry entries.

Columns ``adcode,name,home_url[,level,id]`` (a header line naming them is optional). Every line is checked
before anything is written — a 6-digit adcode known to the bundled administrative divisions
(archive/divisions.py), a name, an http(s) home URL, a known level, a unique id — and the errors name their
line; one bad line means nothing is imported. Good lines are merged into a registry YAML file: an entry with
the same id is updated (its other fields, e.g. start_urls, are kept), new ones are appended.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from archive import divisions
from crawler.registry import PortalConfig, RegistryError

COLUMNS = ("adcode", "name", "home_url", "level", "id")
_LEVELS = ("province", "city", "county", "township", "department")
_LEVEL_OF_DIVISION = {"province": "province", "prefecture": "city", "county": "county"}


@dataclass(frozen=True)
class ImportRow:
    line: int
    adcode: str
    name: str
    home_url: str
    level: str
    id: str
    region: str


class ImportError_(RegistryError):  # noqa: N801 - not the builtin ImportError
    """Lines that cannot be imported; ``errors`` are ``"FILE:LINE: message"``."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _region(adcode: str) -> str:
    """广东省广州市番禺区: the names along the division's lineage (a 直辖市 is named once)."""
    names: list[str] = []
    for d in divisions.lineage(adcode):
        if d.name not in names:
            names.append(d.name)
    return "".join(names)


def parse_csv(text: str, source: str = "FILE") -> list[ImportRow]:
    """Validate every line; raise :class:`ImportError_` listing every bad one (with its line number)."""
    errors: list[str] = []
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for number, cells in enumerate(reader, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() == "adcode":
            continue  # the header
        where = f"{source}:{number}"
        if len(cells) < 3 or len(cells) > 5:
            errors.append(f"{where}: expected adcode,name,home_url[,level,id], got {len(cells)} column(s)")
            continue
        adcode, name, home_url, level, ident = (cells + ["", ""])[:5]
        division = divisions.get(adcode) if len(adcode) == 6 and adcode.isdigit() else None
        if division is None:
            errors.append(f"{where}: adcode {adcode!r} is not a 6-digit code of the administrative divisions")
            continue
        if not name:
            errors.append(f"{where}: name is empty")
            continue
        parts = urlsplit(home_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            errors.append(f"{where}: home_url {home_url!r} is not an http(s) URL")
            continue
        level = level or _LEVEL_OF_DIVISION[division.level]
        if level not in _LEVELS:
            errors.append(f"{where}: level {level!r} is not one of {', '.join(_LEVELS)}")
            continue
        ident = ident or f"gov-{adcode}"
        if ident in seen:
            errors.append(
                f"{where}: duplicate id {ident!r} (also line {seen[ident]}); give each portal an id"
            )
            continue
        try:
            PortalConfig(id=ident, name=name, adcode=adcode, level=level, home_url=home_url)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            errors.append(f"{where}: {problems}")
            continue
        seen[ident] = number
        rows.append(ImportRow(number, adcode, name, home_url, level, ident, _region(adcode)))
    if errors:
        raise ImportError_(errors)
    if not rows:
        raise ImportError_([f"{source}: no portals in this file"])
    return rows


def merge(rows: list[ImportRow], registry: Path) -> tuple[int, int]:
    """Write ``rows`` into the YAML file ``registry`` (created if missing); returns (added, updated).

    The result is validated as a whole before the file is replaced, so a failed import leaves it as it was.
    """
    data = {"portals": []}
    if registry.exists():
        data = yaml.safe_load(registry.read_text(encoding="utf-8")) or {"portals": []}
        if not isinstance(data.get("portals"), list):
            raise RegistryError(f"{registry}: expected a mapping with a 'portals:' list")
    by_id = {p.get("id"): p for p in data["portals"] if isinstance(p, dict)}
    added = updated = 0
    for row in rows:
        entry = by_id.get(row.id)
        fields = {"name": row.name, "region": row.region, "adcode": row.adcode, "level": row.level}
        if entry is None:
            entry = {"id": row.id, **fields, "home_url": row.home_url}
            data["portals"].append(entry)
            by_id[row.id] = entry
            added += 1
        else:
            entry.update(fields, home_url=row.home_url)
            updated += 1
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)
    tmp = registry.with_name(registry.name + ".tmp")
    registry.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(text, encoding="utf-8")
    try:
        from crawler.registry import load_registry

        load_registry(tmp)  # the merged file must be a valid registry
    except RegistryError:
        tmp.unlink()
        raise
    tmp.replace(registry)
    return added, updated


def export_csv(portals: list[PortalConfig]) -> str:
    """The registry's portals that have an adcode and a home URL, as ``adcode,name,home_url,level,id``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in portals:
        if p.adcode and p.home_url:
            writer.writerow([p.adcode, p.name, p.home_url, p.level or "", p.id])
    return out.getvalue()
