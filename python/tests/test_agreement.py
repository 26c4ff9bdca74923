"""Python and Rust agree: every bundled case, under every bundled policy, gives the same
recommendation from the bindings as from the Rust library itself (byte for byte, and after JSON
normalisation), and the cohort gets the same classification."""

from __future__ import annotations

import json

import pytest

import hcc_pathways
from conftest import CASES, COHORT, POLICIES, REPO, run_reference


def normalise(text_or_obj) -> str:
    obj = json.loads(text_or_obj) if isinstance(text_or_obj, str) else text_or_obj
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


POLICY_CHOICES = [None, *POLICIES]


def test_bundled_data_present():
    assert len(CASES) >= 7 and POLICIES and COHORT.is_file()


@pytest.mark.parametrize("policy", POLICY_CHOICES, ids=lambda p: p.stem if p else "default")
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_recommendation_matches_rust(reference, case, policy):
    rust = run_reference(reference, "recommend", case, *([policy] if policy else []))
    text = case.read_text(encoding="utf-8")
    policy_text = policy.read_text(encoding="utf-8") if policy else None

    # The JSON text is the library's, unchanged (the reference prints it plus a newline).
    assert hcc_pathways.recommend_json(text, policy_text) + "\n" == rust
    # The dict, from a dict, equals Rust's JSON after normalisation.
    case_dict = json.loads(text)
    policy_dict = json.loads(policy_text) if policy_text else None
    rec = hcc_pathways.recommend(case_dict, policy_dict)
    assert normalise(rec) == normalise(rust)
    # Text and dict input, and classify, agree.
    assert hcc_pathways.recommend(text, policy_text) == rec
    assert hcc_pathways.classify(case_dict, policy_dict)["pathway"] == rec["pathway"]


@pytest.mark.parametrize("policy", POLICY_CHOICES, ids=lambda p: p.stem if p else "default")
def test_cohort_classification_matches_rust(reference, cohort_lines, policy):
    rust = run_reference(reference, "classify", COHORT, *([policy] if policy else []))
    expected = [json.loads(line) for line in rust.splitlines()]
    policy_dict = json.loads(policy.read_text()) if policy else None
    got = hcc_pathways.classify_many([json.loads(l) for l in cohort_lines], policy_dict)
    assert len(got) == len(expected) == len(cohort_lines)
    assert got == expected
    # The policies do change some pathways (or the comparison above proves little).
    if policy is not None:
        default = hcc_pathways.classify_many(cohort_lines)
        assert any(a["pathway"] != b["pathway"] for a, b in zip(default, got))


def test_recommend_many_equals_recommend(cohort_lines):
    sample = cohort_lines[:150]
    policy = json.loads((REPO / "examples/policies/admit_child_pugh_7.json").read_text())
    many = hcc_pathways.recommend_many(sample, policy)
    assert many == [hcc_pathways.recommend(c, policy) for c in sample]
    classes = hcc_pathways.classify_many(sample, policy)
    assert [r["pathway"] for r in many] == [c["pathway"] for c in classes]
