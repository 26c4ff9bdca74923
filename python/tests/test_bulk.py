"""A 100,000-row classify_many (the bundled cohort replicated 100 times): every row answered,
in order, as the cohort's own rows are. Prints the throughput (a figure, not an assertion)."""

from __future__ import annotations

import json
import time

import hcc_pathways

ROWS = 100_000


def test_classify_many_100k(cohort_lines, capsys):
    dicts = [json.loads(line) for line in cohort_lines]
    cases = (dicts * (ROWS // len(dicts) + 1))[:ROWS]
    start = time.perf_counter()
    results = hcc_pathways.classify_many(cases)
    seconds = time.perf_counter() - start

    assert len(results) == ROWS
    once = hcc_pathways.classify_many(dicts)
    assert all(isinstance(r, dict) for r in once)
    assert results == [once[i % len(dicts)] for i in range(ROWS)]
    with capsys.disabled():
        print(f"\nclassify_many: {ROWS:,} case dicts in {seconds:.2f} s: "
              f"{ROWS / seconds:,.0f} cases/s")
