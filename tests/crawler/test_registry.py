"""Registry validation: bad files are named with the portal and the field."""

from __future__ import annotations

import pytest

from crawler.registry import RegistryError, load_registry, select_portals
from tests.paths import REPO


def _write(tmp_path, text: str):
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_starter_registry_is_valid():
    portals = load_registry(REPO / "seeds")
    assert len(portals) >= 5
    assert all(p.start_urls and p.allowed_domains for p in portals)


def test_defaults_and_port_scoped_domains(tmp_path):
    path = _write(
        tmp_path,
        "portals:\n  - id: a\n    name: A\n    start_urls: ['http://127.0.0.1:8001/col/index.html']\n",
    )
    (portal,) = load_registry(path)
    assert portal.render == "auto" and portal.official is True
    assert portal.allowed_domains == ["127.0.0.1:8001"]
    assert portal.allows("http://127.0.0.1:8001/art/1.html")
    assert not portal.allows("http://127.0.0.1:8002/art/1.html")


def test_subdomains_are_allowed(tmp_path):
    path = _write(
        tmp_path,
        "portals:\n  - id: a\n    name: A\n    start_urls: ['https://www.a.gov.cn/']\n    allowed_domains: [a.gov.cn]\n",
    )
    (portal,) = load_registry(path)
    assert portal.allows("http://xxgk.a.gov.cn/x.html")
    assert not portal.allows("http://evila.gov.cn/x.html")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("portals: [\n  - id: a\n", "malformed YAML"),
        ("just: text\n", "expected a mapping with a 'portals:' list"),
        (
            "portals:\n  - id: Bad_Id\n    name: A\n    start_urls: ['http://a.gov.cn/']\n",
            "portal 'Bad_Id': id:",
        ),
        (
            "portals:\n  - id: a\n    name: A\n    start_urls: ['ftp://a.gov.cn/']\n",
            "portal 'a': start_urls:",
        ),
        (
            "portals:\n  - id: a\n    name: A\n    adcode: 3101\n    start_urls: ['http://a.gov.cn/']\n",
            "portal 'a': adcode:",
        ),
        (
            "portals:\n  - id: a\n    name: A\n    start_urls: ['http://a.gov.cn/']\n    render: sometimes\n",
            "portal 'a': render:",
        ),
        (
            "portals:\n  - id: a\n    name: A\n    start_urls: ['http://a.gov.cn/']\n    colour: red\n",
            "portal 'a': colour:",
        ),
        ("portals:\n  - name: A\n    start_urls: ['http://a.gov.cn/']\n", "portal #1: id:"),
        (
            "portals:\n  - {id: a, name: A, start_urls: ['http://a.gov.cn/']}\n  - {id: a, name: B, start_urls: ['http://b.gov.cn/']}\n",
            "duplicate id",
        ),
    ],
)
def test_bad_registries_name_file_portal_and_field(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_unknown_portal_id_is_named(tmp_path):
    portals = load_registry(
        _write(tmp_path, "portals:\n  - {id: a, name: A, start_urls: ['http://a.gov.cn/']}\n")
    )
    assert [p.id for p in select_portals(portals, ["a"])] == ["a"]
    with pytest.raises(RegistryError, match="unknown portal id.*nope"):
        select_portals(portals, ["nope"])


def test_missing_registry_file(tmp_path):
    with pytest.raises(RegistryError, match="no such registry file"):
        load_registry(tmp_path / "nothere.yaml")


# -- issue 12: defects 7 and 10 (URLs that passed validation, then broke the crawl) -------------------------
def _portal(extra: str = "", url: str = "http://a.gov.cn/") -> str:
    return f"portals:\n  - id: a\n    name: A\n    start_urls: ['{url}']\n{extra}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _portal(url="http://127.0.0.1:99999/col/index.html"),
            "portal 'a': start_urls: Value error, invalid port",
        ),
        (
            _portal(url="http://127.0.0.1:abc/col/index.html"),
            "portal 'a': start_urls: Value error, invalid port",
        ),
        (
            _portal(url="http://user:pw@a.gov.cn/"),
            "portal 'a': start_urls: Value error, user names and passwords",
        ),
        (_portal(url="http://[::1]:8000/"), "portal 'a': start_urls: Value error, IPv6 address literals"),
        (_portal("    allowed_domains: ['']\n"), "portal 'a': allowed_domains: Value error, an empty domain"),
        (_portal("    allowed_domains: ['http://a.gov.cn/x']\n"), "portal 'a': allowed_domains: Value error"),
        (_portal("    name: B\n"), "line 5: portal 'a': duplicate key 'name'"),
        (
            "portals:\n  - id: a\n    name: A\n    start_urls: ['http://a.gov.cn/']\n    allowed_domains: [a.gov.cn]\n"
            "    allowed_domains: [evil.example]\n",
            "portal 'a': duplicate key 'allowed_domains'",
        ),
    ],
)
def test_broken_urls_domains_and_duplicate_keys_are_refused(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    assert str(info.value).startswith(str(path)) and expected in str(info.value), str(info.value)


def test_international_domain_names_are_kept_in_punycode(tmp_path):
    """Requests go to punycode hosts (Scrapy encodes them), so the scope must be punycode too."""
    path = _write(
        tmp_path,
        _portal("    allowed_domains: ['政府.中国']\n", url="http://www.政府.中国/fzzfjs/index.html"),
    )
    (portal,) = load_registry(path)
    assert portal.start_urls == ["http://www.xn--mxtq1m.xn--fiqs8s/fzzfjs/index.html"]
    assert portal.allowed_domains == ["xn--mxtq1m.xn--fiqs8s"]
    assert portal.allows("http://xxgk.xn--mxtq1m.xn--fiqs8s/a/1.html")  # as Scrapy sends it
    assert portal.allows("http://xxgk.政府.中国/a/1.html")  # as a page links it
    assert not portal.allows("http://xn--mxtq1m.xn--fiqs8s.evil.example/")


def test_ip_literals_match_exactly_and_credentials_never(tmp_path):
    (portal,) = load_registry(_write(tmp_path, _portal("    allowed_domains: ['0.1']\n", url="http://0.1/")))
    assert not portal.allows("http://10.0.0.1/")  # an address is no subdomain of anything
    (local,) = load_registry(_write(tmp_path, _portal(url="http://127.0.0.1:8001/col/")))
    assert local.allows("http://127.0.0.1:8001/a.html")
    assert not local.allows("http://127.0.0.1:8002/a.html") and not local.allows("http://localhost:8001/")
    assert not local.allows("http://x@127.0.0.1:8001/a.html")
