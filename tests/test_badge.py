"""`portcheck badge` and the SVG badge: well-formed XML, accessible, coloured by readiness, escaped."""
import xml.etree.ElementTree as ET

import pytest
from conftest import run_cli
from report_factory import make_report

from portcheck.reports import badge, json_report
from portcheck.reports.presentation import readiness

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def value_colour(root: ET.Element) -> str:
    return root.findall(f"{SVG}g/{SVG}rect")[1].get("fill")


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text") if t.get("aria-hidden") is None]


def test_badge_is_well_formed_svg_with_a_title_label_and_score():
    root = parse(badge.score_badge(82))
    title = root.find(f"{SVG}title").text
    assert title == "portcheck: 82/100, Almost there"
    assert root.get("role") == "img" and root.get("aria-label") == title
    assert texts(root) == ["portcheck", "82"]
    assert root.get("height") == "20"


@pytest.mark.parametrize("score", [100, 85, 84, 70, 69, 50, 49, 0])
def test_colour_follows_the_readiness_level(score):
    assert value_colour(parse(badge.score_badge(score))) == badge.TONE_COLOURS[readiness(score).tone]


def test_the_four_levels_have_four_colours():
    assert len({value_colour(parse(badge.score_badge(s))) for s in (90, 75, 60, 10)}) == 4


def test_width_is_the_sum_of_both_parts_and_grows_with_the_text():
    narrow, wide = parse(badge.score_badge(82, label="il")), parse(badge.score_badge(82, label="WWWWWW"))
    for root in (narrow, wide):
        label_rect, value_rect = root.findall(f"{SVG}g/{SVG}rect")[:2]
        assert int(root.get("width")) == int(label_rect.get("width")) + int(value_rect.get("width"))
    assert int(wide.get("width")) > int(narrow.get("width")) + 40


def test_hostile_label_is_escaped_flattened_and_cut():
    label = 'a<b>&"c\x1b[31m\nnext\ud800' + "x" * 200
    root = parse(badge.score_badge(40, label=label))
    shown = texts(root)[0]
    assert shown.startswith('a<b>&"c [31m next') and "\x1b" not in shown and "\ud800" not in shown
    assert len(shown) <= badge.MAX_TEXT and shown.endswith("…")
    assert root.find(f"{SVG}title").text.startswith('a<b>&"c')


def test_two_badges_inlined_in_one_page_do_not_share_shape_ids():
    ids = [{el.get("id") for el in parse(badge.score_badge(s)).iter() if el.get("id")} for s in (20, 90)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]


def test_renderer_badges_the_overall_score_and_is_deterministic():
    report = make_report()
    assert badge.render(report) == badge.render(report) == badge.score_badge(report.scores.overall)


def test_badge_from_a_saved_json_report_to_a_file(tmp_path):
    saved = tmp_path / "report.json"
    saved.write_text(json_report.render(make_report()), encoding="utf-8")
    proc = run_cli("badge", str(saved), "-o", str(tmp_path / "score.svg"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "score 67" in proc.stdout
    assert texts(parse((tmp_path / "score.svg").read_text(encoding="utf-8")))[1] == "67"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "score.svg"]


def test_badge_of_a_repository_scans_it_and_prints_the_svg_with_a_custom_label(polished_repo, scanned_report, tmp_path):
    proc = run_cli("badge", str(polished_repo), "--label", "interview ready", "--no-progress", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert texts(parse(proc.stdout)) == ["interview ready", str(scanned_report.scores.overall)]
    assert list(tmp_path.iterdir()) == []  # standard output by default: nothing written


def test_badge_of_a_missing_path_or_a_file_that_is_not_a_report_is_a_usage_error(tmp_path):
    notes = tmp_path / "notes.json"
    notes.write_text('{"hello": "world"}')
    for source in (tmp_path / "nope", notes):
        proc = run_cli("badge", str(source))
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("portcheck: error:"), proc.stderr
        assert proc.stdout == ""
