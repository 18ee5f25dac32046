"""OCR off the crawl's event loop: scans are read in worker processes, within a per-crawl page budget.

The extract stage reads a scan's page count without OCR and sends the item on without text, so the store
records the document at once (no version, no validators); :class:`OcrPool` runs the OCR in a
``ProcessPoolExecutor`` (its own processes: the models load once per worker and ONNX Runtime's work never
holds up Scrapy's reactor) and the OCR'd copy follows through the chain. Pages beyond ``FAZHI_OCR_BUDGET``
are not read this crawl. Either way a document without a version is due at the next crawl, which fetches
it in full and reads it: the budget, or a crawl killed mid-OCR, only postpones a scan.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from twisted.internet.defer import Deferred

from pipelines.lifetime import die_with_parent
from pipelines.stats import Counting

if TYPE_CHECKING:
    from scrapy.signalmanager import SignalManager
    from scrapy.statscollectors import StatsCollector

    from pipelines.extract import Extraction

logger = logging.getLogger(__name__)

#: Scrapy signal sent whenever OCR work is queued or done: ``ocr_progress(queued, done, pages_total, pages)``
#: (documents queued and finished, pages queued and read), for progress displays (``fazhi crawl``).
ocr_progress = object()


def _init_worker(threads: int) -> None:
    die_with_parent()  # a killed crawl must not leave OCR workers reading on
    os.environ["FAZHI_OCR_THREADS"] = str(threads)


def _ocr_job(body: bytes, kind: str) -> tuple[Extraction, float]:
    from pipelines.extract import extract_document

    started = time.perf_counter()
    result = extract_document(body, kind, ocr=True)
    return result, time.perf_counter() - started


class OcrPool(Counting):
    """Worker processes for OCR and the crawl's page budget.

    Stats: ``ocr/queued``, ``ocr/done``, ``ocr/pages``, ``ocr/pages_total`` (queued pages), ``ocr/seconds``,
    ``ocr/over_budget`` (documents left for a later crawl), ``ocr/failed``.
    """

    def __init__(
        self,
        budget: int,
        workers: int = 1,
        threads: int = 1,
        stats: StatsCollector | None = None,
        signals: SignalManager | None = None,
    ):
        self.budget, self.workers, self.threads, self.stats = budget, workers, threads, stats
        self.signals = signals
        self.spent = 0
        self.queued = self.done = self.pages_done = 0
        self._executor: ProcessPoolExecutor | None = None

    def admit(self, pages: int) -> bool:
        """Reserve ``pages`` of the budget; False (counted) when they do not fit."""
        if self.spent + max(1, pages) > self.budget:
            self._inc("ocr/over_budget")
            return False
        self.spent += max(1, pages)
        self._inc("ocr/pages_total", max(1, pages))
        return True

    def run(self, body: bytes, kind: str, pages: int) -> Deferred:
        """OCR ``body`` in a worker; the Deferred fires with its :class:`Extraction`."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_init_worker,
                initargs=(self.threads,),
            )
        self._inc("ocr/queued")
        self.queued += 1
        self._progress()
        future = asyncio.wrap_future(self._executor.submit(_ocr_job, body, kind))

        def done(outcome: tuple[Extraction, float]) -> Extraction:
            result, seconds = outcome
            self._inc("ocr/done")
            self._inc("ocr/pages", max(1, pages))
            self._inc("ocr/seconds", round(seconds, 3))
            self.done += 1
            self.pages_done += max(1, pages)
            self._progress()
            return result

        def failed(failure):
            self._inc("ocr/failed")
            self.done += 1
            self._progress()
            from pipelines.extract import Extraction

            return Extraction(method="ocr", problems=[f"OCR failed: {failure.getErrorMessage()[:200]}"])

        return Deferred.fromFuture(future).addCallbacks(done, failed)

    @property
    def busy(self) -> bool:
        """Scans queued and not read yet."""
        return self.done < self.queued

    def _progress(self) -> None:
        if self.signals is not None:
            self.signals.send_catch_log(
                ocr_progress,
                queued=self.queued,
                done=self.done,
                pages_total=self.spent,
                pages=self.pages_done,
            )

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
