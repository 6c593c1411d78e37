"""Formula injection (issue #20, item 5): a reader who writes "=HYPERLINK(…)"
must not get a formula into a spreadsheet someone opens.

Tried and shown to hold: Tribune writes no CSV or spreadsheet anywhere. Its
exports are JSON — ``tribune export`` (JSON Lines) and a reader's own download
(``/api/v1/me/export``) — where a cell is a JSON string and a leading "=" is
just text; the moderators' figures are SVG charts and HTML tables. The scan
below fails the day a CSV or spreadsheet writer appears, so that it comes with
cells neutralised (a leading = + - @ tab or CR quoted with ') and a test of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.core.management import call_command
from django.test import Client

import tribune
from tribune.comments.commenters import COMMENTER_HEADER, commenter_token_signed
from tribune.core.testing import make_comment

FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1:A9)"]
# What would write a spreadsheet: csv writers, their MIME types, spreadsheet libraries.
WRITERS = re.compile(r"csv\.writer|csv\.DictWriter|text/csv|openpyxl|xlsxwriter|"
                     r"vnd\.ms-excel|spreadsheetml|\.xlsx\b", re.IGNORECASE)
# Readers of the operator's own CSV files (triage evaluation and training sets).
CSV_READERS = {"tribune/triage/evaluation.py", "tribune/triage/training/datasets.py"}


def test_no_module_writes_csv_or_a_spreadsheet():
    root = Path(tribune.__file__).parent
    importing_csv, writing = set(), []
    for path in root.rglob("*"):
        if "tests" in path.parts or path.suffix not in (".py", ".html", ".js", ".txt"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        name = str(path.relative_to(root.parent))
        if re.search(r"^\s*import csv\b", text, re.MULTILINE):
            importing_csv.add(name)
        if WRITERS.search(text):
            writing.append(name)
    assert writing == []
    assert importing_csv == CSV_READERS


def test_exports_carry_formulas_as_json_text(db, site, tmp_path):
    token = "formula-reader-token"
    for formula in FORMULAS:
        make_comment(author=formula[:40], body=formula, token=token)
    out = tmp_path / "export.jsonl"
    call_command("export", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # each line is JSON, not CSV
    bodies = {r.get("fields", {}).get("body") for r in records}
    assert set(FORMULAS) <= bodies
    assert not any(line.startswith(("=", "+", "-", "@", "\t", "\r")) for line in lines)

    response = Client().get("/api/v1/me/export",
                            headers={COMMENTER_HEADER: commenter_token_signed(token)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].endswith('.json"')
    assert sorted(c["body"] for c in response.json()["comments"]) == sorted(FORMULAS)
