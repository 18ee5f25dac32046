"""A test-only extract stage whose worker crashes on one page, as a parser's C code would (SIGSEGV): the page
whose URL ends in ``$FAZHI_TEST_CRASH_PATH`` (tests/e2e/test_extract_process.py). The worker imports this
module to run :func:`crash_on_one_page`, which it receives by name."""

from __future__ import annotations

import os
import signal

from pipelines.extract import Extraction, ExtractPipeline, read_page


def crash_on_one_page(
    body: bytes, url: str, headers: dict[str, str], pages: list[tuple[str, bytes]]
) -> tuple[Extraction, Extraction | None]:
    if url.endswith(os.environ["FAZHI_TEST_CRASH_PATH"]):
        os.kill(os.getpid(), signal.SIGSEGV)
    return read_page(body, url, headers, pages)


class CrashingExtractPipeline(ExtractPipeline):
    page_reader = staticmethod(crash_on_one_page)
