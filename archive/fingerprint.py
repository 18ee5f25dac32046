"""Fingerprints of normalized text: an exact hash, a character-shingle MinHash, and LSH band keys.

Whitespace tokens mean nothing in Chinese, so texts are shingled into overlapping character 5-grams
(PERF.md), each hashed to 64 bits in a few numpy operations over the code points.

The MinHash is a one-permutation MinHash (Li, Owen and Zhang, 2012): the top 7 bits of a shingle's hash
choose one of 128 bins, and each bin keeps the smallest of the other 57 bits. Two texts' values in a bin are
equal with probability their Jaccard similarity, as for 128 independent permutations, but each shingle is
hashed once instead of 128 times: 0.15–0.2 ms for a realistic report against 0.5–0.7 ms for datasketch's
``affine32`` scheme over 128 permutations, which the archive computed until migration 0022 (bench/README.md).
A bin no shingle fell into (texts of fewer than a few hundred characters) takes the value of the next filled
bin to its right, circularly, plus its distance to it times 2⁵⁷ (densification by rotation, Shrivastava and Li,
2014): a borrowed value never equals a bin's own, and two texts agree on a borrowed value only when they
borrow the same one from the same distance.

The 128 values are cut into 32 bands of 4; each band hashes to one signed 64-bit key stored in
``minhash_band``. Two texts share at least one key with probability 1-(1-J⁴)³²: ≈1.0 at Jaccard 0.8, 0.87 at
0.5, 0.002 at 0.1 — so an indexed ``key IN (...)`` finds the near-duplicates of a text without scanning the
archive, and the candidates are then verified on the texts themselves.
"""

from __future__ import annotations

import hashlib

import numpy as np

SHINGLE = 5
#: Bits of a shingle's hash that choose its bin, and the number of bins (values in a signature).
BIN_BITS = 7
NUM_BINS = 1 << BIN_BITS
_VALUE_BITS = np.uint64(64 - BIN_BITS)
_VALUE_MASK = np.uint64((1 << (64 - BIN_BITS)) - 1)
_EMPTY = np.iinfo(np.uint64).max


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
    """64-bit hashes of every ``k``-character shingle of :func:`shingles`, repeats included, in text order
    (a minimum does not need them removed).

    A polynomial rolling hash over code points, then a splitmix64 finalizer for well-spread bits: no
    Python-level hash call per shingle (PERF.md: that loop was most of a MinHash's cost). A text of ``k``
    characters or fewer is one shingle.
    """
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
    return h


def minhash_values(text: str | None) -> np.ndarray:
    """The text's one-permutation MinHash: :data:`NUM_BINS` uint64 values (all 2⁶⁴-1 for an empty text)."""
    hashes = shingle_hashes(text)
    values = np.full(NUM_BINS, _EMPTY, dtype=np.uint64)
    if not len(hashes):
        return values
    np.minimum.at(values, (hashes >> _VALUE_BITS).astype(np.intp), hashes & _VALUE_MASK)
    filled = np.flatnonzero(values != _EMPTY)
    if len(filled) < NUM_BINS:
        bins = np.arange(NUM_BINS)
        source = filled[np.searchsorted(filled, bins) % len(filled)]
        distance = ((source - bins) % NUM_BINS).astype(np.uint64)
        values = values[source] + (distance << _VALUE_BITS)
    return values


def minhash_signature(text: str | None) -> bytes:
    """The MinHash values as bytes (:data:`NUM_BINS` × uint64, 1 KB)."""
    return minhash_values(text).tobytes()


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
