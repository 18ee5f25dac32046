"""The scheduler's priority queue: hosts in turn, the next request from a host with no download in flight.

Scrapy's ``DownloaderAwarePriorityQueue`` keeps a queue per download slot (a portal's host here) and pops from
the slot with the fewest downloads in flight. To find it, every pop counts the downloads of every slot that has
requests waiting: with 3,000 portals that is 3,000 lookups per request, and in a national night 2 (py-spy, 40 s
of the crawl process) 26% of the crawl process's CPU went there.

:class:`HostRoundRobinQueue` keeps the same per-slot queues (and the same disk layout, for ``JOBDIR``) and takes
the slots in turn from where the last pop stopped, serving the first one with nothing in flight. Most hosts
are idle at any moment (per-host politeness allows two requests at a time, and the global cap is a thousand),
so the search stops after a slot or two; only when every waiting host is busy does it look at all of them and
serve the least busy, as Scrapy's queue would.
"""

from __future__ import annotations

import contextlib
from collections import deque
from pathlib import Path

from scrapy.http import Request
from scrapy.pqueues import DownloaderAwarePriorityQueue, _path_safe


class HostRoundRobinQueue(DownloaderAwarePriorityQueue):
    """``DownloaderAwarePriorityQueue`` with a constant-time choice of slot in the usual case (module docs)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._ring: deque[str] = deque(self.pqueues)  # slots with requests waiting, in serving order

    def _pick_slot(self, *, advance: bool) -> str | None:
        """The first slot with no download in flight, going round from the last one served; when all are
        busy, the least busy. ``advance``: move the ring past the slot chosen (a pop, not a peek)."""
        ring, active = self._ring, self._downloader_interface._active_downloads
        best, best_active, steps = None, None, 0
        for offset, slot in enumerate(ring):
            in_flight = active(slot)
            if best_active is None or in_flight < best_active:
                best, best_active, steps = slot, in_flight, offset
            if in_flight == 0:
                break
        if advance and best is not None:
            ring.rotate(-(steps + 1))  # serve the ones after it first next time
        return best

    def pop(self) -> Request | None:
        slot = self._pick_slot(advance=True)
        if slot is None:
            return None
        queue = self.pqueues[slot]
        request = queue.pop()
        if queue.curprio is None:  # empty (len() would add up every priority's queue, on every pop)
            del self.pqueues[slot]
            if self._ring and self._ring[-1] == slot:  # where the pick left it
                self._ring.pop()
            else:
                self._ring.remove(slot)
            queue.close()
            # as Scrapy's queue does: reclaim the slot's folder once its queues removed their files
            if self.key:
                with contextlib.suppress(OSError):
                    Path(self.key, _path_safe(slot)).rmdir()
        return request

    def push(self, request: Request) -> None:
        slot = self._downloader_interface.get_slot_key(request)
        if slot not in self.pqueues:
            self._ring.append(slot)
        super().push(request)

    def peek(self) -> Request | None:
        slot = self._pick_slot(advance=False)
        return None if slot is None else self.pqueues[slot].peek()

    def close(self) -> dict[str, list[int]]:
        self._ring.clear()
        return super().close()
