"""The researcher's example runs on the bundled cohort and reports what the library says."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import hcc_pathways
from conftest import COHORT, REPO

pytest.importorskip("pandas")
pytest.importorskip("matplotlib")


def test_cohort_example(tmp_path, cohort_lines):
    policy = REPO / "examples/policies/admit_child_pugh_7.json"
    png = tmp_path / "pathways.png"
    out = subprocess.run(
        [sys.executable, str(REPO / "python/examples/cohort.py"), "--cohort", str(COHORT),
         "--policy", str(policy), "--out", str(png)],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    before = hcc_pathways.classify_many(cohort_lines)
    after = hcc_pathways.classify_many(cohort_lines, json.loads(policy.read_text()))
    changed = sum(a["pathway"] != b["pathway"] for a, b in zip(before, after))
    assert changed > 0
    assert f"Transitions ({changed} cases changed pathway)" in out.stdout
    for pathway in ("repeat_intervention", "systemic_therapy", "palliative_care"):
        count = sum(r["pathway"] == pathway for r in before)
        assert re.search(rf"^{pathway}\s+{count}\s", out.stdout, re.M), pathway
    # every changed case, and no other, is listed by its line number
    expected = [i + 1 for i, (a, b) in enumerate(zip(before, after)) if a["pathway"] != b["pathway"]]
    listing = out.stdout.split("Changed cases:", 1)[1]
    listed = [int(n) for n in re.findall(r"^(\d+)\s", listing, re.M)]
    assert listed == expected


def test_cohort_example_reports_an_invalid_policy(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"systemic_max_child_pugh": 99}')
    out = subprocess.run(
        [sys.executable, str(REPO / "python/examples/cohort.py"), "--policy", str(bad),
         "--out", str(tmp_path / "x.png")],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert out.returncode == 1 and "invalid policy" in out.stderr
    assert not (tmp_path / "x.png").exists()
