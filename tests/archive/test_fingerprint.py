"""Fingerprints: exact hash of normalized text and the character-shingle MinHash signature."""

from __future__ import annotations

import hashlib
import random
import re
import struct
import sys

import numpy as np
import pytest

from archive.fingerprint import (
    BANDS,
    NUM_BINS,
    SHINGLE,
    _squash,
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
    assert len(signature) == NUM_BINS * 8
    assert minhash_signature(TEXT) == signature
    assert signature_similarity(signature, minhash_signature(TEXT.replace("。", "。\n"))) == 1.0


def test_similarity_tracks_overlap() -> None:
    other = "2020年，我县坚持全面依法治县，推进行政执法三项制度，法治政府建设取得新进展。" * 10
    assert signature_similarity(minhash_signature(TEXT), minhash_signature(other)) < 0.2


def _reference_hash(shingle: str) -> int:
    """One shingle's hash, one code point at a time: the definition :func:`shingle_hashes` computes in numpy."""
    mask = (1 << 64) - 1
    h = 0
    for char in shingle:
        h = (h * 1_000_003 + ord(char)) & mask
    for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        h = ((h ^ (h >> shift)) * factor) & mask
    return h ^ (h >> 31)


def _reference_values(text: str) -> list[int]:
    """The signature's definition, a bin at a time: each bin keeps the least low 57 bits among the shingle
    hashes whose top 7 bits name it; an empty bin takes the next filled one's value to its right (circularly)
    plus its distance times 2⁵⁷."""
    squashed = "".join(text.split())
    width = min(SHINGLE, len(squashed))
    values: list[int | None] = [None] * NUM_BINS
    for start in range(len(squashed) - width + 1) if squashed else ():
        h = _reference_hash(squashed[start : start + width])
        b, v = h >> 57, h & ((1 << 57) - 1)
        values[b] = v if values[b] is None else min(values[b], v)
    if all(v is None for v in values):
        return [(1 << 64) - 1] * NUM_BINS
    out = []
    for b in range(NUM_BINS):
        distance = next(d for d in range(NUM_BINS) if values[(b + d) % NUM_BINS] is not None)
        out.append(values[(b + distance) % NUM_BINS] + (distance << 57))
    return out


@pytest.mark.parametrize(
    "text",
    ["", "法", "法治", "法治政府建设", TEXT, TEXT * 60],
    ids=["empty", "1", "2", "6", "report", "long"],
)
def test_signature_is_the_one_permutation_minhash_of_its_definition(text: str) -> None:
    """Band keys already stored in an archive stay comparable only while this definition holds."""
    assert minhash_values(text).tolist() == _reference_values(text)
    assert [int(h) for h in shingle_hashes(text[:50])] == [
        _reference_hash(s) for s in _windows("".join(text[:50].split()))
    ]


def _windows(squashed: str) -> list[str]:
    width = min(SHINGLE, len(squashed))
    return [squashed[i : i + width] for i in range(len(squashed) - width + 1)] if squashed else []


def test_signature_agreement_estimates_jaccard_similarity() -> None:
    """Bins agree with probability the Jaccard similarity of the shingle sets: the estimate stays within
    0.12 (three standard deviations at 128 bins) of the true value, from copies to unrelated texts."""
    raw = shared_file(CORPUS, "jiangmen-2019-mirror-traditional-pinyin.txt").read_text(encoding="utf-8")
    clean = normalize_text(raw).text
    rng = random.Random(5)
    for edits in (0, 20, 200, 1000, 3000):
        chars = list(clean)
        for _ in range(edits):
            chars[rng.randrange(len(chars))] = chr(0x4E00 + rng.randrange(20_000))
        edited = "".join(chars)
        a, b = set(shingles(clean)), set(shingles(edited))
        jaccard = len(a & b) / len(a | b)
        estimate = signature_similarity(minhash_signature(clean), minhash_signature(edited))
        assert abs(estimate - jaccard) < 0.12, (edits, jaccard, estimate)


def test_short_texts_fill_every_bin_and_agree_only_on_what_they_share() -> None:
    short, other = minhash_values("法治政府建设"), minhash_values("依法行政推进")
    assert (short != np.iinfo(np.uint64).max).all()
    assert signature_similarity(minhash_signature("法治政府建设"), minhash_signature("法治政府建设")) == 1.0
    assert not np.any(short == other)


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
