"""The scheduler's queue (crawler/frontier.py): hosts in turn, idle hosts first, nothing lost or reordered
within a host. Scrapy's own queues underneath; only the downloader's in-flight counts are set by hand."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.squeues import FifoMemoryQueue
from scrapy.utils.test import get_crawler

from crawler.frontier import HostRoundRobinQueue


class _Downloader:
    """What the queue reads of Scrapy's downloader: the slot of a request and the downloads in flight."""

    def __init__(self) -> None:
        self.slots: dict[str, SimpleNamespace] = {}

    def get_slot_key(self, request: Request) -> str:
        return urlsplit(request.url).netloc

    def busy(self, host: str, downloads: int) -> None:
        self.slots[host] = SimpleNamespace(active=set(range(downloads)))


def _queue(**kwargs) -> tuple[HostRoundRobinQueue, _Downloader]:
    crawler = get_crawler(Spider, {"SCHEDULER_PRIORITY_QUEUE": "crawler.frontier.HostRoundRobinQueue"})
    downloader = _Downloader()
    crawler.engine = SimpleNamespace(downloader=downloader)
    # first in, first out within a priority, so that the order seen is the queue's choice of host
    return HostRoundRobinQueue.from_crawler(crawler, FifoMemoryQueue, key="", **kwargs), downloader


def _push(queue, host: str, *paths: str, priority: int = 0) -> None:
    for path in paths:
        queue.push(Request(f"http://{host}/{path}", priority=priority))


def _drain(queue) -> list[str]:
    urls = []
    while (request := queue.pop()) is not None:
        urls.append(request.url.removeprefix("http://"))
    return urls


def test_idle_hosts_are_served_in_turn():
    queue, _ = _queue()
    _push(queue, "a", "1", "2", "3")
    _push(queue, "b", "1", "2")
    _push(queue, "c", "1")
    assert len(queue) == 6
    assert _drain(queue) == ["a/1", "b/1", "c/1", "a/2", "b/2", "a/3"]
    assert len(queue) == 0


def test_a_busy_host_waits_while_another_is_idle_and_the_least_busy_goes_first_when_all_are():
    queue, downloader = _queue()
    _push(queue, "a", "1", "2")
    _push(queue, "b", "1")
    _push(queue, "c", "1")
    downloader.busy("a", 1)
    assert queue.peek().url == "http://b/1"
    assert queue.pop().url == "http://b/1"
    downloader.busy("c", 2)
    assert queue.pop().url == "http://a/1"  # a: 1 in flight, c: 2; nobody idle
    downloader.busy("a", 0)
    assert _drain(queue) == ["a/2", "c/1"]


def test_within_a_host_the_higher_priority_goes_first():
    queue, _ = _queue()
    _push(queue, "a", "list", priority=0)
    _push(queue, "a", "revalidate", priority=30)
    _push(queue, "b", "list", priority=0)
    assert _drain(queue) == ["a/revalidate", "b/list", "a/list"]


def test_a_host_that_empties_and_queues_again_joins_the_end_of_the_turn():
    queue, _ = _queue()
    _push(queue, "a", "1")
    _push(queue, "b", "1", "2")
    assert queue.pop().url == "http://a/1"  # a has nothing left
    _push(queue, "a", "2")
    assert _drain(queue) == ["b/1", "a/2", "b/2"]


def test_a_host_is_dropped_only_once_every_request_of_every_priority_and_start_queue_is_out():
    """Emptiness is read from the host's queue after each pop (its current priority gone), never guessed: a
    host with start requests and others at several priorities keeps its turn until the last is served."""
    queue, _ = _queue(start_queue_cls=FifoMemoryQueue)
    for priority, path in ((0, "list"), (30, "article"), (5, "next")):
        _push(queue, "a", path, priority=priority)
    queue.push(Request("http://a/start", meta={"is_start_request": True}))
    _push(queue, "b", "1")
    assert [len(q._start_queues) for q in queue.pqueues.values()] == [1, 0]
    served = _drain(queue)
    assert sorted(served) == ["a/article", "a/list", "a/next", "a/start", "b/1"]
    assert queue.pqueues == {} and len(queue) == 0 and not queue._ring
