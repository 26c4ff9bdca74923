"""DataFrame and Series input: the documented forms give the same answers as a list, on the
input's index, with per-row errors."""

from __future__ import annotations

import json

import pytest

import hcc_pathways
from conftest import COHORT

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def expected(cohort_lines):
    return hcc_pathways.classify_many(cohort_lines)


def check_frame(result, expected, index):
    assert list(result.columns) == ["pathway", "rule", "error"]
    assert result.index.equals(index)
    assert result["error"].isna().all()
    assert result[["pathway", "rule"]].to_dict("records") == expected


def test_case_column_of_json_text(cohort_lines, expected):
    index = pd.Index([f"patient-{i}" for i in range(len(cohort_lines))], name="id")
    df = pd.DataFrame({"case": cohort_lines, "site": "A"}, index=index)
    check_frame(hcc_pathways.classify_many(df), expected, index)


def test_case_column_of_dicts(cohort_lines, expected):
    df = pd.DataFrame({"case": [json.loads(l) for l in cohort_lines]})
    check_frame(hcc_pathways.classify_many(df), expected, df.index)


def test_read_json_lines(expected):
    df = pd.read_json(COHORT, lines=True, dtype=False)
    check_frame(hcc_pathways.classify_many(df), expected, df.index)


def test_json_normalize_dotted_columns(cohort_lines, expected):
    # Nested fields as dotted columns; a field absent from some cases is NaN there, and
    # integer columns with gaps are floats: both must still read as the original cases.
    df = pd.json_normalize([json.loads(l) for l in cohort_lines])
    assert any("." in c for c in df.columns) and df.isna().any().any()
    assert (df.dtypes == "float64").any()
    check_frame(hcc_pathways.classify_many(df), expected, df.index)


def test_series(cohort_lines, expected):
    s = pd.Series(cohort_lines[:20], index=range(100, 120))
    out = hcc_pathways.classify_many(s)
    assert isinstance(out, pd.Series) and out.index.equals(s.index)
    assert out.tolist() == expected[:20]


def test_invalid_rows_in_a_frame(cohort_lines, expected):
    rows = [cohort_lines[0], "{", cohort_lines[1], '{"performance_status": {"ecog": 9}}']
    df = pd.DataFrame({"case": rows}, index=list("abcd"))
    out = hcc_pathways.classify_many(df)
    assert out.loc["a", "pathway"] == expected[0]["pathway"]
    assert out.loc["c", "rule"] == expected[1]["rule"]
    assert out.loc["a", "error"] is None and out.loc["c", "error"] is None
    assert isinstance(out.loc["b", "error"], hcc_pathways.InvalidCase)
    assert pd.isna(out.loc["b", "pathway"]) and pd.isna(out.loc["b", "rule"])
    assert out.loc["d", "error"].path == "performance_status.ecog"


def test_empty_case_cells_are_row_errors(cohort_lines, expected):
    df = pd.DataFrame({"case": [cohort_lines[0], None, float("nan"), cohort_lines[1]]})
    out = hcc_pathways.classify_many(df)
    assert out["rule"].tolist()[::3] == [expected[0]["rule"], expected[1]["rule"]]
    for i in (1, 2):
        assert out.loc[i, "error"].path == "" and "missing" in out.loc[i, "error"].reason


def test_conflicting_columns_are_a_row_error():
    df = pd.DataFrame({"performance_status": [1], "performance_status.ecog": [0]})
    out = hcc_pathways.classify_many(df)
    assert out.loc[0, "error"].path == "performance_status"


def test_recommend_many_frame(cohort_lines):
    df = pd.DataFrame({"case": cohort_lines[:30]}, index=range(30, 60))
    out = hcc_pathways.recommend_many(df, policy={"systemic_max_child_pugh": 7})
    assert isinstance(out, pd.Series) and out.index.equals(df.index)
    assert out.tolist() == hcc_pathways.recommend_many(cohort_lines[:30], {"systemic_max_child_pugh": 7})
