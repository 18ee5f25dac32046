"""Character-shingle MinHash and LSH band keys for near-duplicate candidate lookup.

Whitespace tokens mean nothing in Chinese, so texts are shingled into overlapping character 5-grams
(PERF.md); the signature is ``pipelines.dedup.minhash_signature``. Its 128 permutations are cut into 32
bands of 4 rows; each band hashes to one signed 64-bit key stored in ``minhash_band``. Two texts share at least one key with probability 1-(1-J⁴)³²: ≈1.0 at
Jaccard 0.8, 0.87 at 0.5, 0.002 at 0.1 — so an indexed ``key IN (...)`` finds the near-duplicates of a
text without scanning the archive, and the candidates are then verified on the texts themselves.
"""

from __future__ import annotations

import hashlib

import numpy as np

from pipelines.dedup import NUM_PERM, minhash_signature

BANDS = 32
ROWS = NUM_PERM // BANDS


def band_keys(signature: bytes, bands: int = BANDS) -> list[int]:
    """One signed 64-bit key per band of a ``minhash_signature`` (uint64 values; band index mixed in)."""
    values = np.frombuffer(signature, dtype=np.uint64)
    rows = len(values) // bands
    keys = []
    for band in range(bands):
        chunk = values[band * rows : (band + 1) * rows].astype("<u8").tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "little") + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def text_band_keys(text: str) -> list[int]:
    """Band keys of a text's character-5-gram MinHash (``pipelines.dedup.minhash_signature``)."""
    return band_keys(minhash_signature(text))


__all__ = ["BANDS", "NUM_PERM", "ROWS", "band_keys", "minhash_signature", "text_band_keys"]
