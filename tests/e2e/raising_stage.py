"""A test-only normalize stage that raises on one page, as a bug in a stage would: the page whose URL ends in
``$FAZHI_TEST_RAISE_PATH`` (tests/e2e/test_item_errors.py)."""

from __future__ import annotations

import os

from pipelines.normalize import NormalizePipeline


class RaisingNormalizePipeline(NormalizePipeline):
    def process_item(self, item, spider=None):
        if getattr(item, "url", "").endswith(os.environ["FAZHI_TEST_RAISE_PATH"]):
            raise ValueError("a stage broke on this page")
        return super().process_item(item, spider)
