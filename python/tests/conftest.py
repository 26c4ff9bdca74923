"""Shared fixtures: the repository's bundled data and the Rust reference binary."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = sorted((REPO / "examples" / "cases").glob("*.json"))
POLICIES = sorted((REPO / "examples" / "policies").glob("*.json"))
COHORT = REPO / "examples" / "cohort" / "synthetic_cohort.jsonl"


@pytest.fixture(scope="session")
def cohort_lines() -> list[str]:
    return [line for line in COHORT.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def valid_case() -> dict:
    return json.loads((REPO / "examples/cases/r5_single_small_nodule.json").read_text())


@pytest.fixture(scope="session")
def reference() -> Path:
    """The Rust side: `python/examples/reference.rs`, built in release by cargo (a no-op when
    `python/ci.sh` or a previous run built it)."""
    cmd = ["cargo", "build", "--release", "-p", "hcc-pathways-python", "--example", "reference",
           "--message-format=json-render-diagnostics"]
    out = subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True,
                         env={**os.environ, "CARGO_TERM_COLOR": "never"})
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "reference" \
                and msg.get("executable"):
            return Path(msg["executable"])
    raise AssertionError(f"cargo built no `reference` example:\n{out.stdout}\n{out.stderr}")


def run_reference(binary: Path, *args: Path | str) -> str:
    out = subprocess.run([str(binary), *map(str, args)], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout
