"""Property-based tests (Hypothesis, budget in tests/conftest.py) of the parts that meet hostile input:
extraction, normalization, soft-404 judgement, registry validation and the CLI's output escaping."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from crawler.registry import RegistryError, load_registry
from fazhi.cli.app import error_line, plain, styled, terminal_safe
from pipelines.extract import extract_page
from pipelines.htmltext import clean_controls
from pipelines.normalize import normalize_text, normalize_title
from pipelines.soft404 import error_title, notice_reason

CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
# Text that hostile pages carry: Chinese, markup brackets, escapes, controls, the not-found phrases.
hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("法治政府建设报告页面不存在您访问的信息已删除[]/\\<>&;:：，。"),
        st.sampled_from(CONTROLS + "\x1b[31m\x1b]0;\x07\x9b\x85"),
        st.characters(codec="utf-8"),
    ),
    max_size=80,
)
BODY = "".join(
    f"<p>第{i}条。我市全面推进依法行政，健全行政执法制度，办理复议案件{i}件。</p>" for i in range(30)
)


def html(title: str, inserted: str, container: str = "zoom") -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><div id='{container}'>"
        f"{BODY}<p>{inserted}</p>{BODY}</div></body></html>"
    ).encode("utf-8", "surrogatepass")


@given(inserted=hostile_text, container=st.sampled_from(["zoom", "unknown-template"]))
def test_extraction_keeps_the_text_whatever_is_inserted(inserted, container):
    """No inserted string costs the page its text (defect 3), and no control character is stored."""
    result = extract_page(html("某市2024年法治政府建设情况报告", inserted, container), "http://x/a.html", {})
    assert result.problems == [] or all("decod" in p or "charset" in p for p in result.problems)
    assert "第29条" in result.text
    assert not set(result.text) & set(CONTROLS)


@given(body=st.binary(max_size=2000))
def test_extraction_never_raises_on_bytes(body):
    extract_page(body, "http://x/a.html", {"content-type": "text/html"})


@given(text=hostile_text)
def test_clean_controls_removes_every_control_and_keeps_the_rest(text):
    cleaned = clean_controls(text)
    assert not set(cleaned) & set(CONTROLS)
    kept = "".join(c for c in text if c not in CONTROLS)
    assert cleaned.replace("\n", "") == kept.replace("\n", "")


@given(text=hostile_text)
def test_normalization_gives_stripped_nonempty_lines(text):
    normalized = normalize_text(text).text
    assert all(line and line == line.strip() for line in normalized.split("\n")) or normalized == ""
    title = normalize_title(text)
    assert title is None or "\n" not in title or title == text


@given(inserted=hostile_text)
def test_a_report_is_never_a_soft_404_whatever_it_quotes(inserted):
    page = extract_page(html("某市2023年法治政府建设工作总结", inserted), "http://x/a.html", {})
    assert notice_reason(page.title, page.text) is None


@given(title=hostile_text)
def test_report_titles_are_not_error_titles(title):
    assert not error_title("某市2024年法治政府建设情况报告" + title.replace("_", "").replace("-", ""))


portal_values = st.one_of(
    st.none(), st.booleans(), st.integers(), hostile_text, st.lists(hostile_text, max_size=3)
)
portal_entries = st.dictionaries(
    st.sampled_from(["id", "name", "start_urls", "allowed_domains", "render", "max_pages", "level", "x"]),
    portal_values,
    max_size=6,
)


@given(entries=st.lists(portal_entries, max_size=3))
def test_registry_validation_accepts_or_names_the_problem(tmp_path_factory, entries):
    path = tmp_path_factory.mktemp("reg") / "r.yaml"
    path.write_text(yaml.safe_dump({"portals": entries}, allow_unicode=True), encoding="utf-8")
    try:
        portals = load_registry(path)
    except RegistryError as exc:
        message = str(exc)
        assert str(path) in message
        # the message prints verbatim through the CLI's markup escaping
        console = Console(file=io.StringIO(), width=100_000, color_system=None)
        console.print(error_line(message))
        assert terminal_safe(message).split("\n")[0][:40] in console.file.getvalue().replace("\n", "")
    else:
        assert all(p.id and p.start_urls for p in portals)


@given(text=hostile_text)
def test_cli_text_prints_verbatim_and_never_drives_the_terminal(text):
    text = text.replace("\t", " ")  # Rich expands tabs to the next tab stop: layout, not an escape
    out = io.StringIO()
    console = Console(file=out, width=10_000, force_terminal=True, color_system="truecolor")
    console.print(plain(text), end="")
    console.print(styled(("error:", "red"), text, (text, "bold")), end="")
    printed = out.getvalue()
    assert printed.count("\x1b") == printed.count("\x1b[")  # only Rich's own SGR codes
    visible = _strip_sgr(printed)
    safe = terminal_safe(text)
    assert visible == safe + "error:" + safe + safe


def _strip_sgr(s: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", s)


@pytest.mark.parametrize("container", ["zoom", "unknown-template"])
@pytest.mark.parametrize("ref", ["&#7;", "&#x0B;", "&#0;", "&#31;", "&#127;", "&#7a"])
def test_character_references_to_controls_are_cleaned_like_the_controls(ref, container):
    """``&#7;`` becomes BEL only inside libxml2, after the source was cleaned: it must not cost the page its
    body (trafilatura's path) nor leave a control in the text (the container's)."""
    result = extract_page(
        html("某市2024年法治政府建设情况报告", f"甲{ref}乙", container), "http://x/a.html", {}
    )
    assert "第29条" in result.text and "甲" in result.text
    assert not set(result.text) & set(CONTROLS)
