"""Every request, robots.txt included, waits in its own host:port's download slot."""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.hostdown import HostDownMiddleware


def test_requests_scrapy_makes_itself_get_the_host_and_port_as_their_slot():
    middleware = HostDownMiddleware.from_crawler(get_crawler(settings_dict={"FAZHI_HOST_DOWN_AFTER": 2}))
    robots = [Request(f"http://127.0.0.1:{port}/robots.txt") for port in (8001, 8002)]
    for request in robots:
        middleware.process_request(request)
    # one IP, two portals: two slots, not one line for both
    assert [r.meta["download_slot"] for r in robots] == ["127.0.0.1:8001", "127.0.0.1:8002"]
    mine = Request("http://127.0.0.1:8001/a.html", meta={"download_slot": "portal-a"})
    middleware.process_request(mine)
    assert mine.meta["download_slot"] == "portal-a"  # a slot the spider chose is kept
