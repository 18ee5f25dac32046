"""Line-level removal of page chrome with the rule pack (``govrules``).

Works on extracted lines, whichever extractor produced them, so the same rules clean a container's text,
trafilatura's output, or a naive copy-paste (the conghua corpus file). Only short lines are judged: a body
sentence that mentions 打印 or 版权所有 is never dropped.
"""

from __future__ import annotations

from pipelines import govrules as rules
from pipelines.htmltext import simplified, squash

#: Lines longer than this end the leading header zone (title, 来源/发布时间 line, metadata table).
_BODY_LINE = 60
#: How many leading lines may belong to the header zone.
_HEAD_ZONE = 12


def is_chrome_line(line: str) -> bool:
    """A short line that is breadcrumb/widget/toolbar text, or made only of chrome tokens."""
    if len(line) > rules.HEADER_LINE_MAX:
        return False
    line = simplified(line)
    if rules.CHROME_LINE_STARTS.match(line):
        return True
    if len(line) > rules.CHROME_LINE_MAX or not _starts_with_token(line):
        return False
    residue = rules.CHROME_TOKENS.sub("", line)
    return not rules.CHROME_FILLER.sub("", residue)


def _starts_with_token(line: str) -> bool:
    """Whether a chrome token follows the leading filler: a cheap test that rules out most body lines.

    No token starts with a filler character, so when no token matches at the first non-filler character,
    that character survives both substitutions in :func:`is_chrome_line` and the line is not chrome.
    """
    filler = rules.CHROME_FILLER.match(line)
    start = filler.end() if filler else 0
    return start == len(line) or rules.CHROME_TOKENS.match(line, start) is not None


def is_header_line(line: str) -> bool:
    """The 来源/发布时间 line under the title, or a row of the 信息公开 metadata table."""
    if len(line) > rules.HEADER_LINE_MAX:
        return False
    line = simplified(line)
    return bool(
        rules.HEADER_LINE.match(line)
        or rules.HEADER_LINE_DATE_FIRST.match(line)
        or rules.XXGK_LINE.match(line)
        or rules.XXGK_LABEL_ONLY.match(line)
    )


def _drop_header_lines(lines: list[str]) -> list[str]:
    """Drop header/metadata rows; a bare table label (``索引号`` alone) takes its value line with it."""
    out: list[str] = []
    skip_value = False
    for line in lines:
        header = is_header_line(line)
        if skip_value and not header:
            skip_value = False
            continue
        skip_value = bool(rules.XXGK_LABEL_ONLY.match(line))
        if not header:
            out.append(line)
    return out


def cut_footer(lines: list[str]) -> list[str]:
    """Cut at the first footer marker that comes after at least half of the text."""
    total = sum(len(line) for line in lines)
    seen = 0
    for i, line in enumerate(lines):
        if seen * 2 >= total and len(line) < rules.FOOTER_LINE_MAX and rules.FOOTER_MARKERS.search(line):
            return lines[:i]
        seen += len(line)
    return lines


def drop_title(lines: list[str], title: str | None) -> list[str]:
    """Drop leading lines that repeat the title (also when it is split over several lines, or repeated),
    with the issuer line that a two-line heading puts above 关于…的报告 when the title is that second line."""
    target = squash(title or "")
    if not target:
        return lines
    if len(lines) > 1 and rules.ISSUER_LINE.match(squash(lines[0])) and target.startswith(squash(lines[1])):
        rest = _drop_title_lines(lines[1:], target)
        if len(rest) < len(lines) - 1:
            return rest
    return _drop_title_lines(lines, target)


def _drop_title_lines(lines: list[str], target: str) -> list[str]:
    i = 0
    while i < len(lines):
        acc, j = "", i
        while j < len(lines) and j - i < 4 and target.startswith(acc + squash(lines[j])):
            acc += squash(lines[j])
            j += 1
            if acc == target:
                break
        if acc != target:
            break
        i = j
    return lines[i:]


def strip_chrome_lines(lines: list[str], title: str | None = None) -> list[str]:
    """Remove chrome lines everywhere, header/metadata lines and the title in the leading zone, footers."""
    lines = [line for line in lines if not is_chrome_line(line)]
    lines = cut_footer(lines)
    head: list[str] = []
    rest = lines
    # The leading zone: everything up to the first long line, at most _HEAD_ZONE lines.
    for i, line in enumerate(lines[:_HEAD_ZONE]):
        if len(line) > _BODY_LINE:
            head, rest = lines[:i], lines[i:]
            break
    else:
        head, rest = lines[: min(len(lines), _HEAD_ZONE)], lines[_HEAD_ZONE:]
    head = drop_title(_drop_header_lines(drop_title(head, title)), title)
    # The trailing zone after the last long line may carry 时间：…/来源：… rows too (sample 05).
    last_long = max((i for i, line in enumerate(rest) if len(line) > _BODY_LINE), default=-1)
    tail = [line for line in rest[last_long + 1 :] if not is_header_line(line)]
    return head + rest[: last_long + 1] + tail
