"""The machine-readable report: one JSON object, byte-for-byte deterministic for the same Report."""
from __future__ import annotations

import json
from typing import Any

from ..analyzer.model import SCHEMA_VERSION, Report, to_plain


def report_document(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, keys in the published order, lists in the Report's order."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "portcheck", "version": report.tool_version},
        "repo": {"root": report.repo_root, "commit": report.commit},
        "facts": to_plain(report.facts),
        "scores": {"overall": report.scores.overall, "areas": to_plain(report.scores.areas)},
        "checks": to_plain(report.checks),
        "talking_points": to_plain(report.talking_points),
        "scan_notes": to_plain(report.scan_notes),
        "ignored": to_plain(report.ignored),
    }


def render(report: Report) -> str:
    """The report as an indented JSON document ending in a newline (no timestamps, stable order)."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
