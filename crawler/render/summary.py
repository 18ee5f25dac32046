"""The crawl summary's ``browser`` cell: how many requests went through the browser, and why."""

from __future__ import annotations

# Reasons in the order they are shown; anything else under browser/ (unsolved, failed …) follows.
REASONS = ("challenge_412", "challenge_521", "challenge_script", "js_list", "js_article", "always")
PROBLEMS = ("unsolved", "given_up", "failed", "unavailable", "no_gain")


def browser_cell(counts: dict[str, int]) -> str:
    """``"5 (js_list 1, js_article 4)"``; ``"0"`` when the browser was not used; problems after a ``;``."""
    total = counts.get("browser", 0)
    why = [f"{r} {counts[f'browser/{r}']}" for r in REASONS if counts.get(f"browser/{r}")]
    problems = [f"{p} {counts[f'browser/{p}']}" for p in PROBLEMS if counts.get(f"browser/{p}")]
    cell = str(total)
    if why:
        cell += f" ({', '.join(why)})"
    if problems:
        cell += "; " + ", ".join(problems)
    return cell
