"""Fingerprints of normalized text: an exact hash and a character-shingle MinHash.

Grouping (which documents carry the same report) happens in the archive store's transaction, which owns the
candidates; this module only computes what the store compares. Whitespace-token simhash fails on Chinese
(PERF.md), so the MinHash shingles characters, and ``update_batch`` keeps a 10k-character text at ~20 ms.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
from typing import TYPE_CHECKING

import numpy as np
from datasketch import LeanMinHash, MinHash

from crawler.items import PageItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

SHINGLE = 5
NUM_PERM = 128
SEED = 1
_WS = re.compile(r"\s+")
#: datasketch ≥ 2 has several hashing schemes; stored signatures must say which one made them.
SCHEME = "affine32"
_SCHEME_KW = {"scheme": SCHEME} if "scheme" in inspect.signature(MinHash).parameters else {}


def text_hash(text: str | None) -> str:
    """sha256 hex of the normalized text (UTF-8)."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def shingles(text: str | None, k: int = SHINGLE) -> list[bytes]:
    """Distinct ``k``-character shingles of the text with whitespace removed (layout must not matter)."""
    squashed = _WS.sub("", text or "")
    if len(squashed) <= k:
        return [squashed.encode("utf-8")] if squashed else []
    return list({squashed[i : i + k].encode("utf-8") for i in range(len(squashed) - k + 1)})


def shingle_hashes(text: str | None, k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of the distinct ``k``-character shingles, computed with numpy in one pass.

    A polynomial rolling hash over code points, then a splitmix64 finalizer for well-spread bits: the same
    shingles as :func:`shingles`, without a Python-level hash call per shingle (PERF.md: that loop is most of
    a MinHash's cost).
    """
    squashed = _WS.sub("", text or "")
    if not squashed:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(squashed.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    width = min(k, len(codes))
    with np.errstate(over="ignore"):
        h = np.zeros(len(codes) - width + 1, dtype=np.uint64)
        for j in range(width):
            h = h * np.uint64(1_000_003) + codes[j : j + len(h)]
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return np.unique(h >> np.uint64(32))


def _identity(value):
    return value


@functools.cache
def _permutations(num_perm: int) -> np.ndarray:
    """The seeded permutation parameters, drawn once: datasketch would redraw them for every MinHash."""
    return MinHash(num_perm=num_perm, seed=SEED, **_SCHEME_KW).permutations


def minhash(text: str | None, num_perm: int = NUM_PERM) -> LeanMinHash:
    """MinHash over 5-character shingles (fixed seed, so signatures from different runs compare)."""
    mh = MinHash(
        num_perm=num_perm, seed=SEED, hashfunc=_identity, permutations=_permutations(num_perm), **_SCHEME_KW
    )
    values = shingle_hashes(text)
    if len(values):
        mh.update_batch(values.tolist())
    return LeanMinHash(mh)


def minhash_signature(text: str | None) -> bytes:
    """The MinHash hash values as bytes (``NUM_PERM`` × uint64, 1 KB), for storage next to a version."""
    return np.asarray(minhash(text).hashvalues, dtype=np.uint64).tobytes()


def signature_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    va, vb = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    if va.shape != vb.shape or not len(va):
        raise ValueError("signatures of different sizes")
    return float(np.count_nonzero(va == vb)) / len(va)


def lean_minhash(signature: bytes) -> LeanMinHash:
    """Rebuild a MinHash from stored bytes (for datasketch's MinHashLSH in the store)."""
    return LeanMinHash(seed=SEED, hashvalues=np.frombuffer(signature, dtype=np.uint64), **_SCHEME_KW)


class DedupPipeline:
    """Fill ``text_hash`` (sha256 of ``text``); grouping is the store's job.

    Settings
    --------
    (none)

    Stats: ``dedup/hashed``, ``dedup/empty`` (no normalized text to hash).
    """

    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        if item.text:
            item.text_hash = text_hash(item.text)
            key = "dedup/hashed"
        else:
            item.text_hash = None
            key = "dedup/empty"
        if self.stats is not None:
            self.stats.inc_value(key)
        return item
