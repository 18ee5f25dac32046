"""The portal registry: YAML files under ``seeds/`` that list the portals to crawl.

The schema is part of the public contract (ARCHITECTURE.md, seeds/README.md). Validation errors name the
file, the portal and the field, so a typo in one of hundreds of entries is quick to find.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_REGISTRY = Path("seeds")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message says where and why."""


class PortalConfig(BaseModel):
    """One portal as the registry describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    region: str | None = None
    adcode: str | None = Field(default=None, pattern=r"^\d{6}$")
    level: Literal["province", "city", "county", "township", "department"] | None = None
    start_urls: list[str] = Field(min_length=1)
    allowed_domains: list[str] = Field(default_factory=list)
    render: Literal["auto", "always", "never"] = "auto"
    official: bool = True
    obey_robots: bool = True
    max_pages: int | None = Field(default=None, ge=1)
    cadence: Literal["season", "daily", "weekly", "monthly"] | None = None
    unverified: bool = False  # the start URL was not checked against the live portal

    @field_validator("start_urls")
    @classmethod
    def _absolute_http_urls(cls, urls: list[str]) -> list[str]:
        return [_check_url(url) for url in urls]

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        return [_check_domain(domain) for domain in domains]

    @model_validator(mode="after")
    def _default_domains(self) -> PortalConfig:
        if not self.allowed_domains:
            hosts = sorted({urlsplit(u).netloc.lower() for u in self.start_urls})
            object.__setattr__(self, "allowed_domains", hosts)
        return self

    def allows(self, url: str) -> bool:
        """Whether ``url`` belongs to this portal (its host, or a subdomain of an allowed domain).

        An allowed domain with a port (``127.0.0.1:8001``) matches that origin exactly: several portals may
        share one host on different ports, as govsim's do.
        """
        return in_scope(url, self.allowed_domains)


def in_scope(url: str, allowed_domains: Iterable[str]) -> bool:
    """:meth:`PortalConfig.allows` for a list of (validated) allowed domains."""
    parts = urlsplit(url)
    try:
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None:
            return False
        host = _ascii_host(parts.hostname)
        netloc = f"{host}:{parts.port}" if parts.port is not None else host
    except ValueError:  # a bad port, a host that is no valid name
        return False
    literal = _is_ip(host)
    for domain in allowed_domains:
        if ":" in domain:
            if netloc == domain:
                return True
        elif host == domain or (not literal and host.endswith("." + domain)):
            return True
    return False


def _ascii_host(host: str) -> str:
    """A host name as requests carry it: lower case, international names in punycode (IDNA)."""
    host = host.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{host!r} is not a valid international domain name") from None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _check_url(url: str) -> str:
    """An absolute http(s) URL with a usable host and port, its host in punycode; why not, otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"user names and passwords in URLs are not supported: {url!r}")
    if "[" in parts.netloc:
        raise ValueError(f"IPv6 address literals are not supported, use a host name: {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"invalid port in {url!r} (expected a number from 1 to 65535)") from None
    if port == 0:
        raise ValueError(f"invalid port in {url!r} (expected a number from 1 to 65535)")
    host = _ascii_host(parts.hostname)
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _check_domain(domain: str) -> str:
    """A host name (subdomains included) or ``host:port`` (that origin only), in punycode."""
    value = domain.strip().lower()
    if not value:
        raise ValueError(
            "an empty domain would allow nothing (leave allowed_domains out to use the start URLs' hosts)"
        )
    if "/" in value or "@" in value or "[" in value or " " in value:
        raise ValueError(f"expected a host name such as 'jingan.gov.cn' or '127.0.0.1:8001', got {domain!r}")
    host, sep, port = value.partition(":")
    if sep and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"invalid port in {domain!r} (expected a number from 1 to 65535)")
    host = _ascii_host(host)
    if not host or host.startswith(".") or ".." in host:
        raise ValueError(f"not a host name: {domain!r}")
    return f"{host}:{port}" if sep else host


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        ident = None
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key == "id" and isinstance(value_node, yaml.ScalarNode):
                ident = value_node.value
            if key in seen:
                who = f"portal {ident!r}: " if ident else ""
                raise yaml.constructor.ConstructorError(
                    None, None, f"{who}duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _format_error(path: Path, index: int, raw: object, exc: ValidationError) -> str:
    ident = raw.get("id") if isinstance(raw, dict) else None
    who = f"portal {ident!r}" if ident else f"portal #{index + 1}"
    problems = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(entry)"
        problems.append(f"{field}: {err['msg']}")
    return f"{path}: {who}: " + "; ".join(problems)


def _registry_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        if not files:
            raise RegistryError(f"{path}: no .yaml files in this folder")
        return files
    if not path.exists():
        raise RegistryError(f"{path}: no such registry file")
    return [path]


def load_registry(path: str | Path = DEFAULT_REGISTRY) -> list[PortalConfig]:
    """Read and validate a registry file (or every ``*.yaml`` in a folder)."""
    portals: list[PortalConfig] = []
    seen: dict[str, Path] = {}
    for file in _registry_files(Path(path)):
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            if "duplicate key" in problem:
                raise RegistryError(f"{file}:{where}: {problem}") from None
            raise RegistryError(f"{file}:{where} malformed YAML: {problem}") from None
        except UnicodeDecodeError:
            raise RegistryError(f"{file}: not UTF-8 text") from None
        if not isinstance(data, dict) or not isinstance(data.get("portals"), list):
            raise RegistryError(f"{file}: expected a mapping with a 'portals:' list")
        for index, raw in enumerate(data["portals"]):
            if not isinstance(raw, dict):
                raise RegistryError(
                    f"{file}: portal #{index + 1}: expected a mapping, got {type(raw).__name__}"
                )
            try:
                portal = PortalConfig.model_validate(raw)
            except ValidationError as exc:
                raise RegistryError(_format_error(file, index, raw, exc)) from None
            if portal.id in seen:
                raise RegistryError(f"{file}: portal {portal.id!r}: duplicate id (also in {seen[portal.id]})")
            seen[portal.id] = file
            portals.append(portal)
    return portals


def select_portals(portals: Iterable[PortalConfig], ids: Iterable[str] | None) -> list[PortalConfig]:
    """Keep the portals named in ``ids`` (all when empty); unknown ids are an error naming them."""
    portals = list(portals)
    wanted = [i for i in (ids or []) if i]
    if not wanted:
        return portals
    by_id = {p.id: p for p in portals}
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        known = ", ".join(sorted(by_id)[:20])
        raise RegistryError(
            f"unknown portal id(s): {', '.join(unknown)} (known: {known}{', …' if len(by_id) > 20 else ''})"
        )
    return [by_id[i] for i in dict.fromkeys(wanted)]
