"""Reading quality on govsim's generated reports, against the ground truth in its manifest.

govsim writes the required parts as headed sections (some reports leave parts out on purpose) and key
figures into sentences in varied phrasings, next to filler numbers that are not key figures; the manifest
records the parts present and each figure's name, value, unit and sentence. Targets (issue 18): parts F1 ≥
0.95, figure precision ≥ 0.98 and recall ≥ 0.9, every figure with its source sentence.
"""

from __future__ import annotations

from archive.reading.figures import key_figures
from archive.reading.parts import required_parts
from govsim import GovSim


def _generated_reports(portals: int, seed: int) -> list[dict]:
    manifest = GovSim(day=2, portals=portals, seed=seed).manifest()  # day 2: edited reports included
    return [p for p in manifest["pages"] if p["kind"] == "report" and p["status"] == 200 and p["truth"]]


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p, r = tp / (tp + fp), tp / (tp + fn)
    return p, r, 2 * p * r / (p + r)


def test_parts_and_figures_against_the_manifest():
    reports = _generated_reports(portals=40, seed=7)
    assert len(reports) >= 150
    assert any(len(r["truth"]["parts"]) < 5 for r in reports), "some reports must lack a part"
    part_counts = [0, 0, 0]  # tp, fp, fn
    fig_counts = [0, 0, 0]
    for page in reports:
        text, truth = page["text"], page["truth"]
        assert 7_000 <= len(text) <= 15_000
        found = required_parts(text, page["year"])
        want = set(truth["parts"])
        part_counts[0] += len(want & set(found))
        part_counts[1] += len(set(found) - want)
        part_counts[2] += len(want - set(found))
        for evidence in found.values():
            assert text[evidence.start : evidence.end] == evidence.text
        got = key_figures(text)
        for f in got:  # every figure comes with its sentence, and the offsets point into it
            assert f.sentence in text and text[f.start : f.end] in f.sentence
        got_keys = {(f.name, f.value, f.unit, f.sentence) for f in got}
        want_keys = {(f["name"], f["value"], f["unit"], f["sentence"]) for f in truth["figures"]}
        fig_counts[0] += len(got_keys & want_keys)
        fig_counts[1] += len(got_keys - want_keys)
        fig_counts[2] += len(want_keys - got_keys)
        yoy = {(f.name, f.sentence): (f.yoy, f.yoy_unit) for f in got}
        for f in truth["figures"]:
            if f["yoy"] is not None and (f["name"], f["sentence"]) in yoy:
                assert yoy[f["name"], f["sentence"]] == (f["yoy"], f["yoy_unit"])
    _, _, parts_f1 = _f1(*part_counts)
    precision, recall, _ = _f1(*fig_counts)
    print(
        f"\ngovsim: {len(reports)} reports, {sum(fig_counts[::2])} figures in truth; parts F1 {parts_f1:.3f}; "
        f"figures precision {precision:.3f} recall {recall:.3f}"
    )
    assert parts_f1 >= 0.95
    assert precision >= 0.98 and recall >= 0.9
