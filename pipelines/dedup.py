"""The dedup stage: put the exact fingerprint of the normalized text on each item.

Grouping (which documents carry the same report) happens in the archive store's transaction, which owns the
candidates; the fingerprints themselves are computed in :mod:`archive.fingerprint`.
"""

from __future__ import annotations

from archive.fingerprint import text_hash
from pipelines.items import PageItem
from pipelines.stats import StatsPipeline


class DedupPipeline(StatsPipeline):
    """Fill ``text_hash`` (sha256 of ``text``); grouping is the store's job.

    Settings
    --------
    (none)

    Stats: ``dedup/hashed``, ``dedup/empty`` (no normalized text to hash).
    """

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        if item.text:
            item.text_hash = text_hash(item.text)
            key = "dedup/hashed"
        else:
            item.text_hash = None
            key = "dedup/empty"
        self._inc(key)
        return item
