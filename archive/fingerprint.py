"""Fingerprints of normalized text: an exact hash, a character-shingle MinHash, and LSH band keys.

Whitespace tokens mean nothing in Chinese, so texts are shingled into overlapping character 5-grams
(PERF.md). The MinHash is datasketch's ``affine32`` scheme (seed 1, 128 permutations), computed in a few
numpy operations over the shingle hashes: importing datasketch pulls in scipy (0.3 s in every crawl and store
process) and its per-value Python loop was most of a signature's cost. A test checks that the signatures
equal datasketch's, so stored signatures stay comparable with any made by it.

The 128 permutations are cut into 32 bands of 4 rows; each band hashes to one signed 64-bit key stored in
``minhash_band``. Two texts share at least one key with probability 1-(1-J⁴)³²: ≈1.0 at Jaccard 0.8, 0.87 at
0.5, 0.002 at 0.1 — so an indexed ``key IN (...)`` finds the near-duplicates of a text without scanning the
archive, and the candidates are then verified on the texts themselves.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np

SHINGLE = 5
NUM_PERM = 128
SEED = 1
#: datasketch's name for the permutation scheme: h ↦ a·fmix32(h) + b mod 2³², with odd a.
SCHEME = "affine32"
#: Permutations and shingles applied per pass: the (16 × 16,384) uint32 buffer, 1 MB at most, stays in the
#: CPU's cache through the multiply, add and minimum. A realistic report (about 10,400 shingles) takes 8
#: passes of 16 permutations: 0.30 ms against 0.53 ms for one pass of all 128 over a 5 MB buffer (bench/README.md).
_ROWS = 16
_CHUNK = 16_384


def text_hash(text: str | None) -> str:
    """sha256 hex of the normalized text (UTF-8)."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _squash(text: str | None) -> str:
    """The text without whitespace: ``str.split`` drops what ``re``'s ``\\s`` matches (every code point
    checked), five times faster than ``re.sub(r"\\s+", "", text)``."""
    return "".join((text or "").split())


def shingles(text: str | None, k: int = SHINGLE) -> list[bytes]:
    """Distinct ``k``-character shingles of the text with whitespace removed (layout must not matter)."""
    squashed = _squash(text)
    if len(squashed) <= k:
        return [squashed.encode("utf-8")] if squashed else []
    return list({squashed[i : i + k].encode("utf-8") for i in range(len(squashed) - k + 1)})


def shingle_hashes(text: str | None, k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of the distinct ``k``-character shingles, computed with numpy in one pass.

    A polynomial rolling hash over code points, then a splitmix64 finalizer for well-spread bits: the same
    shingles as :func:`shingles`, without a Python-level hash call per shingle (PERF.md: that loop is most of
    a MinHash's cost).
    """
    return _unique(_every_shingle_hash(text, k))


def _every_shingle_hash(text: str | None, k: int = SHINGLE) -> np.ndarray:
    """:func:`shingle_hashes` with repeats, in text order: a minimum does not need them removed, and the sort
    that removes them was a quarter of a report's MinHash (0.2 of 0.8 ms)."""
    squashed = _squash(text)
    if not squashed:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(squashed.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    width = min(k, len(codes))
    with np.errstate(over="ignore"):
        h = codes[: len(codes) - width + 1].copy()
        for j in range(1, width):
            h *= np.uint64(1_000_003)
            h += codes[j : j + len(h)]
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h >> np.uint64(32)


def _unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting (same sorted distinct values): numpy 2.4's hash-based ``unique`` took 1.2 ms
    of a report's 1.9 ms MinHash, a sort takes 0.06 ms."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


@functools.cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The seeded affine parameters (a odd, b), drawn once, in the order datasketch draws them."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: spreads the input bits before the affine permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(text: str | None, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash of the text's 5-character shingles: ``num_perm`` uint32 minima (all 2³²-1 if empty).

    Permutations run as rows over a reused (permutations × shingles) buffer with in-place operations:
    three times cheaper on a 10,000-character report than fresh temporaries of (shingles × permutations),
    and the buffer holds :data:`_ROWS` permutations at a time so that it stays in cache.
    """
    a, b = _permutations(num_perm)
    values = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    mixed = _fmix32(_every_shingle_hash(text).astype(np.uint32))
    buf = np.empty((min(_ROWS, num_perm), min(_CHUNK, len(mixed))), dtype=np.uint32)
    for start in range(0, len(mixed), _CHUNK):
        chunk = mixed[None, start : start + _CHUNK]
        for first in range(0, num_perm, _ROWS):
            rows = slice(first, first + _ROWS)
            out = buf[: min(_ROWS, num_perm - first), : chunk.shape[1]]
            np.multiply(a[rows, None], chunk, out=out)
            np.add(out, b[rows, None], out=out)
            np.minimum(values[rows], out.min(axis=1), out=values[rows])
    return values


def minhash_signature(text: str | None) -> bytes:
    """The MinHash hash values as bytes (``NUM_PERM`` × uint64, 1 KB), for storage next to a version."""
    return minhash_values(text).astype(np.uint64).tobytes()


BANDS = 32


def band_keys(signature: bytes, bands: int = BANDS) -> list[int]:
    """One signed 64-bit key per band of a ``minhash_signature`` (uint64 values; band index mixed in)."""
    data = np.frombuffer(signature, dtype=np.uint64).astype("<u8").tobytes()
    width = len(data) // bands // 8 * 8  # whole values per band
    keys = []
    for band in range(bands):
        chunk = data[band * width : (band + 1) * width]
        digest = hashlib.blake2b(band.to_bytes(2, "little") + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def text_band_keys(text: str) -> list[int]:
    """Band keys of a text's character-5-gram MinHash (:func:`minhash_signature`)."""
    return band_keys(minhash_signature(text))
