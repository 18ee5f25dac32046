"""LSH band keys from a one-permutation MinHash (:mod:`archive.fingerprint`) instead of datasketch's
``affine32`` scheme over 128 permutations: the same estimate of Jaccard similarity, with each shingle hashed
once instead of 128 times (0.5–0.7 → 0.15–0.2 ms a realistic report; issue 15).

Keys of the two schemes never match, so every stored key is recomputed from its document's latest text, on
both backends: a national archive's 100,000 reports take a few minutes, reported as they go. The downgrade
recomputes the keys of the scheme before, which this file keeps for that purpose.

Revision ID: 0022_band_keys_one_permutation
Revises: 0021_search_crisismerge
Create Date: 2026-12-03
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from alembic import op
from sqlalchemy import Connection, text

from archive import fingerprint

revision = "0022_band_keys_one_permutation"
down_revision = "0021_search_crisismerge"
branch_labels = None
depends_on = None

logger = logging.getLogger(__name__)

BATCH = 500
_WITH_BANDS = text(
    "SELECT d.id, v.text FROM document d LEFT JOIN version v ON v.document_id = d.id AND v.seq = d.versions "
    "WHERE d.id > :after AND EXISTS (SELECT 1 FROM minhash_band b WHERE b.document_id = d.id) "
    "ORDER BY d.id LIMIT :n"
)
_DELETE = text("DELETE FROM minhash_band WHERE document_id = :document_id")
_INSERT = text('INSERT INTO minhash_band (document_id, band, "key") VALUES (:document_id, :band, :key)')


def upgrade() -> None:
    _rewrite_keys(op.get_bind(), fingerprint.text_band_keys)


def downgrade() -> None:
    _rewrite_keys(op.get_bind(), affine32_band_keys)


def _rewrite_keys(conn: Connection, band_keys_of: Callable[[str], list[int]]) -> None:
    documents = conn.execute(text("SELECT count(DISTINCT document_id) FROM minhash_band")).scalar() or 0
    after, done = 0, 0
    while rows := conn.execute(_WITH_BANDS, {"after": after, "n": BATCH}).all():
        conn.execute(_DELETE, [{"document_id": doc_id} for doc_id, _ in rows])
        keys = [
            {"document_id": doc_id, "band": band, "key": key}
            for doc_id, body in rows
            if body is not None  # no latest text to fingerprint: its keys, which nothing can verify, go
            for band, key in enumerate(band_keys_of(body))
        ]
        if keys:
            conn.execute(_INSERT, keys)
        after, done = rows[-1][0], done + len(rows)
        if done % 10_000 < BATCH:  # at warning level, so an upgrade run from the command line shows it
            logger.warning("recomputing near-duplicate keys: %d of %d reports", done, documents)


def affine32_band_keys(body: str) -> list[int]:
    """The band keys before this migration: datasketch's ``affine32`` MinHash (seed 1, 128 permutations,
    h ↦ a·fmix32(h) + b mod 2³² with odd a) of the upper 32 bits of each shingle's hash."""
    generator = np.random.RandomState(1)
    a = generator.randint(0, 1 << 31, 128, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, 128, dtype=np.uint32)
    h = (fingerprint.shingle_hashes(body) >> np.uint64(32)).astype(np.uint32)
    for shift, factor in ((16, 0x85EBCA6B), (13, 0xC2B2AE35)):
        h = (h ^ (h >> np.uint32(shift))) * np.uint32(factor)
    h = h ^ (h >> np.uint32(16))
    values = np.full(128, np.iinfo(np.uint32).max, dtype=np.uint32)
    if len(h):
        values = (a[:, None] * h[None, :] + b[:, None]).min(axis=1)
    return fingerprint.band_keys(values.astype(np.uint64).tobytes())
