"""Fingerprints: exact hash of normalized text and the character-shingle MinHash signature."""

from __future__ import annotations

import hashlib
import re
import struct
import sys

import numpy as np
import pytest

from archive.fingerprint import (
    BANDS,
    NUM_PERM,
    SCHEME,
    SEED,
    _squash,
    _unique,
    band_keys,
    minhash_signature,
    minhash_values,
    shingle_hashes,
    shingles,
    text_band_keys,
    text_hash,
)
from pipelines.normalize import normalize_text
from tests.pipelines.conftest import CORPUS, shared_file


def signature_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures: the share of equal hash values."""
    va, vb = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    assert va.shape == vb.shape and len(va)
    return float(np.count_nonzero(va == vb)) / len(va)


TEXT = "2019年，我区坚持以习近平新时代中国特色社会主义思想为指导，深入推进依法行政。" * 10


def test_text_hash_is_sha256_of_utf8() -> None:
    assert text_hash("法治") == hashlib.sha256("法治".encode()).hexdigest()
    assert len(text_hash("法治")) == 64 and text_hash("法治") != text_hash("法制")
    assert text_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_shingles_ignore_whitespace() -> None:
    assert set(shingles("法治政府建设")) == {"法治政府建".encode(), "治政府建设".encode()}
    assert set(shingles("法治 政府\n建设")) == set(shingles("法治政府建设"))
    assert shingles("") == []


def test_signature_is_1kb_and_stable() -> None:
    signature = minhash_signature(TEXT)
    assert len(signature) == NUM_PERM * 8
    assert minhash_signature(TEXT) == signature
    assert signature_similarity(signature, minhash_signature(TEXT.replace("。", "。\n"))) == 1.0


def test_similarity_tracks_overlap() -> None:
    other = "2020年，我县坚持全面依法治县，推进行政执法三项制度，法治政府建设取得新进展。" * 10
    assert signature_similarity(minhash_signature(TEXT), minhash_signature(other)) < 0.2


# "long" has more shingles than the MinHash permutes at once (fingerprint._CHUNK), so it takes two passes
@pytest.mark.parametrize("text", ["", "法治", TEXT, TEXT * 60], ids=["empty", "short", "report", "long"])
def test_signature_equals_datasketch_affine32(text: str) -> None:
    """Our numpy MinHash is datasketch's: signatures stored by either stay comparable."""
    reference = _datasketch_values(text, NUM_PERM)
    assert np.array_equal(minhash_values(text), reference)
    assert minhash_signature(text) == np.asarray(reference, dtype=np.uint64).tobytes()


# 40 permutations: the last pass over the permutations (fingerprint._ROWS at a time) is a partial one
@pytest.mark.parametrize("num_perm", [1, 40])
def test_any_number_of_permutations_equals_datasketch(num_perm: int) -> None:
    assert np.array_equal(minhash_values(TEXT, num_perm), _datasketch_values(TEXT, num_perm))


def _datasketch_values(text: str, num_perm: int) -> np.ndarray:
    datasketch = pytest.importorskip("datasketch")
    reference = datasketch.MinHash(num_perm=num_perm, seed=SEED, hashfunc=lambda v: v, scheme=SCHEME)
    values = shingle_hashes(text)
    if len(values):
        reference.update_batch(values.tolist())
    return reference.hashvalues


def test_band_keys_hash_each_band_of_four_values_with_its_index() -> None:
    """The stored LSH keys' definition: BLAKE2b-64 of the band index (2 bytes) and its 4 values (uint64, little
    endian), read as a signed integer. Keys already in an archive are only comparable while this holds."""
    signature = minhash_signature(TEXT)
    values = struct.unpack("<128Q", signature)
    expected = [
        int.from_bytes(
            hashlib.blake2b(
                struct.pack("<H4Q", band, *values[4 * band : 4 * band + 4]), digest_size=8
            ).digest(),
            "little",
            signed=True,
        )
        for band in range(BANDS)
    ]
    assert band_keys(signature) == text_band_keys(TEXT) == expected


def test_mirror_copy_is_a_near_duplicate_after_normalization() -> None:
    raw = shared_file(CORPUS, "jiangmen-2019-mirror-traditional-pinyin.txt").read_text(encoding="utf-8")
    clean = normalize_text(raw).text
    edited = clean.replace("依法行政", "依法治理", 3)
    assert signature_similarity(minhash_signature(clean), minhash_signature(edited)) > 0.9
    assert signature_similarity(minhash_signature(clean), minhash_signature(raw)) < 0.5


def test_squash_drops_exactly_what_the_whitespace_regex_matches():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert _squash(every) == re.sub(r"\s+", "", every)
    assert _squash(None) == _squash(" \u3000\n") == ""


def test_unique_equals_numpy_unique():
    rng = np.random.default_rng(0)
    for n in (0, 1, 2, 3, 1000):
        values = rng.integers(0, 40, n, dtype=np.uint64)
        assert np.array_equal(_unique(values), np.unique(values))
        assert _unique(values).dtype == np.uint64
