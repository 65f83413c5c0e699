"""Reading JSON reports back: a round trip gives the same document; anything else is a clear error."""
from __future__ import annotations

import json

import pytest

from portcheck.reports import json_report
from portcheck.reports.json_report import ReportFormatError, load_report


def test_a_scanned_report_round_trips_through_its_json(scanned_report, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json_report.render(scanned_report))
    loaded = load_report(path)
    assert json_report.render(loaded) == json_report.render(scanned_report)
    assert loaded.top_fixes() == scanned_report.top_fixes()


@pytest.mark.parametrize(("content", "reason"), [
    (b"{not json", "not valid JSON"),
    (b'{"hello": 1}', "not a portcheck JSON report"),
    (b'{"schema_version": "2.0", "checks": [], "scores": {"overall": 1, "areas": {}}}', "schema version 2.0"),
    (b'{"schema_version": "1.0", "checks": [{"id": "X"}], "scores": {"overall": 1, "areas": {}}}', "check 'X' is malformed"),
    (b'{"schema_version": "1.0", "checks": [], "scores": {"overall": "high"}}', "'scores' must hold"),
    (b"\xff\xfe", "not valid JSON"),
])
def test_malformed_documents_give_a_one_line_reason(tmp_path, content, reason):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ReportFormatError, match=reason) as caught:
        load_report(path)
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_a_report_format_error(tmp_path):
    with pytest.raises(ReportFormatError, match="cannot be read"):
        load_report(tmp_path / "absent.json")


def test_old_reports_without_optional_parts_still_load(tmp_path):
    doc = {"schema_version": "1.0", "scores": {"overall": 55, "areas": {"readme": 55}},
           "checks": [{"id": "RD101", "area": "readme", "title": "README present", "severity": "high",
                       "weight": 3, "status": "fail", "message": "no README"}]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    report = load_report(path)
    assert report.scores.overall == 55 and report.checks[0].is_finding and report.talking_points == ()
