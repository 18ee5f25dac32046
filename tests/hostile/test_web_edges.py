"""Issue 12, defects 9 and 11 on the web app: out-of-range ids and years are 422 pages (HTML with the CSP
for pages, JSON for /api) and never 500; HEAD is answered; a foreign Host header is refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fazhi.web import create_app

HUGE = "99999999999999999999"


@pytest.fixture
def web(engine):
    with TestClient(create_app(engine=engine), base_url="http://127.0.0.1") as client:
        yield client


@pytest.mark.parametrize(
    "path",
    [
        f"/documents/{HUGE}",
        f"/documents/{2**63}",
        f"/documents/1/versions/{HUGE}",
        f"/documents/1/diff?from={HUGE}",
        f"/groups/{HUGE}",
        f"/search?q=法治&year={HUGE}",
        "/search?q=法治&year=99999",
        "/coverage?year=99999",
        "/coverage?year=-5",
        "/changes?since=9999-12-31T23:59:59-14:00",
    ],
)
def test_pages_answer_422_html_with_csp(web, path):
    r = web.get(path)
    assert r.status_code == 422, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/documents/{HUGE}",
        f"/api/documents/{HUGE}/versions",
        f"/api/documents/1/versions/{2**63}",
        f"/api/documents/1/diff?to={HUGE}",
        f"/api/groups/{HUGE}",
        f"/api/search?q=法治&year={HUGE}",
        "/api/coverage?year=99999",
        "/api/coverage?year=-5",
        "/api/changes?since=9999-12-31T23:59:59-14:00",
    ],
)
def test_api_answers_422_json(web, path):
    r = web.get(path)
    assert r.status_code == 422, r.text[:300]
    assert r.headers["content-type"] == "application/json"
    assert "detail" in r.json()


def test_a_missing_document_in_range_is_still_404(web):
    r = web.get("/documents/2147483647")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/", "/search?q=法治", "/coverage", "/api/portals", "/openapi.json"])
def test_head_is_answered_like_get_without_a_body(web, path):
    get, head = web.get(path), web.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


def test_foreign_host_headers_are_refused(engine):
    with TestClient(create_app(engine=engine), base_url="http://attacker.example") as client:
        assert client.get("/").status_code == 400
    for host in ("127.0.0.1", "localhost"):
        with TestClient(create_app(engine=engine), base_url=f"http://{host}:8765") as client:
            assert client.get("/").status_code == 200
    with TestClient(
        create_app(engine=engine, allowed_hosts=["fazhi.example.org"]), base_url="http://fazhi.example.org"
    ) as client:
        assert client.get("/").status_code == 200


def test_an_unexpected_error_is_a_500_page_with_the_csp(engine):
    app = create_app(engine=engine)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        r = client.get("/boom")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"] and "a bug" not in r.text
