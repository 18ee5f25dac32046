"""The script cache keeps only what proved static, and stays within its bounds (crawler/render/scripts.py)."""

from __future__ import annotations

from crawler.render.scripts import ScriptCache

JS = {"content-type": "application/javascript"}


def test_a_script_is_kept_once_two_answers_agree() -> None:
    cache = ScriptCache()
    cache.offer("http://a/app.js", JS, b"render();")
    assert cache.get("http://a/app.js") is None  # one answer proves nothing
    cache.offer("http://a/app.js", JS, b"render();")
    kept = cache.serve("http://a/app.js")
    assert kept is not None and kept.body == b"render();" and kept.content_type == "application/javascript"
    assert cache.served == 1


def test_a_script_whose_bytes_change_per_request_is_never_kept() -> None:
    cache = ScriptCache()
    for token in range(5):  # an anti-bot challenge's per-visit script
        cache.offer("http://a/challenge.js", JS, f"$_ts={token};".encode())
    assert cache.get("http://a/challenge.js") is None


def test_no_store_and_oversized_scripts_are_never_kept() -> None:
    cache = ScriptCache(max_entry=10)
    for _ in range(2):
        cache.offer("http://a/private.js", {**JS, "cache-control": "private, no-store"}, b"x();")
        cache.offer("http://a/bundle.js", JS, b"x" * 11)
    assert cache.get("http://a/private.js") is None and cache.get("http://a/bundle.js") is None


def test_the_least_recently_used_script_goes_first_when_the_cache_is_full() -> None:
    cache = ScriptCache(max_bytes=25, max_entry=10)
    for name in ("a", "b"):
        for _ in range(2):
            cache.offer(f"http://a/{name}.js", JS, b"1234567890")
    assert cache.get("http://a/a.js") is not None  # a is now the most recently used
    for _ in range(2):
        cache.offer("http://a/c.js", JS, b"1234567890")
    assert cache.get("http://a/b.js") is None
    assert cache.get("http://a/a.js") is not None and cache.get("http://a/c.js") is not None
