"""Deterministic zip packages: fixed member dates, so a file's bytes (and its ETag) stay the same."""

from __future__ import annotations

import io
import zipfile

_EPOCH = (2020, 1, 1, 0, 0, 0)


def build_zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    return buf.getvalue()


def rezip(data: bytes) -> bytes:
    """The same package with fixed member dates (python-docx stamps the current time)."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return build_zip([(name, src.read(name)) for name in src.namelist()])
