"""Bad input: every rejection is InvalidCase or InvalidPolicy naming the field and the reason;
nothing crashes the interpreter; in a batch, a bad row is an error in its place."""

from __future__ import annotations

import copy
import json
import math
import pickle

import pytest

import hcc_pathways
from hcc_pathways import InvalidCase, InvalidInput, InvalidPolicy


def modified(case: dict, path: str, value=..., delete: bool = False) -> dict:
    """A deep copy of `case` with the dotted `path` set to `value` (or deleted)."""
    out = copy.deepcopy(case)
    *parents, last = path.split(".")
    target = out
    for p in parents:
        target = target[p]
    if delete:
        del target[last]
    else:
        target[last] = value
    return out


# (case change, expected .path, a word the reason must contain)
FIELD_ERRORS = [
    (("performance_status.ecog", 7), "performance_status.ecog", "out of range"),
    (("performance_status.ecog", -1), "performance_status.ecog", ""),
    (("performance_status.ecog", "0"), "performance_status.ecog", "invalid"),
    (("performance_status.ecog", True), "performance_status.ecog", "invalid"),
    (("performance_status.ecog", 1.5), "performance_status.ecog", ""),
    (("performance_status.ecog", 10**40), "performance_status.ecog", ""),
    (("liver_function.bilirubin.value", math.nan), "liver_function.bilirubin.value", "finite"),
    (("liver_function.bilirubin.value", math.inf), "liver_function.bilirubin.value", "finite"),
    (("liver_function.bilirubin.unit", "furlongs"), "liver_function.bilirubin.unit", ""),
    (("recurrence.intrahepatic.nodules", -1), "recurrence.intrahepatic.nodules", ""),
    (("recurrence.intrahepatic.nodules", "two"), "recurrence.intrahepatic.nodules", "invalid"),
    (("goals_of_care", {"nested": ["garbage", {"deeper": [1, 2]}]}), "goals_of_care", "invalid"),
    (("history.procedures", ["tace", "teleportation"]), "history.procedures[1]", ""),
    (("no_such_field", 1), "no_such_field", "unknown field"),
]


@pytest.mark.parametrize("change,path,word", FIELD_ERRORS, ids=[f[1] + "=" + repr(f[0][1])[:20] for f in FIELD_ERRORS])
def test_field_errors_name_path_and_reason(valid_case, change, path, word):
    bad = modified(valid_case, *change)
    for form in (bad, json.dumps(bad) if not _has_non_finite(bad) else None):
        if form is None:
            continue
        with pytest.raises(InvalidCase) as info:
            hcc_pathways.recommend(form)
        err = info.value
        assert isinstance(err, ValueError) and isinstance(err, InvalidInput)
        assert err.path == path
        assert word in err.reason and err.reason
        assert path in str(err) and err.reason in str(err)
        # classify and the batches say the same
        with pytest.raises(InvalidCase) as again:
            hcc_pathways.classify(form)
        assert (again.value.path, again.value.reason) == (path, err.reason)
        assert hcc_pathways.classify_many([form]) == [err]
        assert hcc_pathways.recommend_many([form]) == [err]


def _has_non_finite(obj) -> bool:
    try:
        json.dumps(obj, allow_nan=False)
        return False
    except ValueError:
        return True


def test_missing_field(valid_case):
    with pytest.raises(InvalidCase) as info:
        hcc_pathways.classify(modified(valid_case, "goals_of_care", delete=True))
    assert info.value.path == "goals_of_care"
    assert "required" in info.value.reason


class Unencodable:
    pass


def circular() -> dict:
    d: dict = {"a": {}}
    d["a"]["b"] = d
    return d


def deeply_nested(depth: int) -> dict:
    d: dict = {}
    for _ in range(depth):
        d = {"x": d}
    return d


# Whole documents that are no case at all: each must raise InvalidCase, with path "" when the
# document as a whole is at fault.
HOSTILE = {
    "not JSON": "{",
    "empty text": "",
    "JSON null": "null",
    "JSON number": "42",
    "JSON string": '"case"',
    "trailing garbage": '{"goals_of_care": "active_treatment"} trailing',
    "NaN literal": '{"performance_status": {"ecog": NaN}}',
    "nested JSON arrays": "[" * 100_000 + "]" * 100_000,
    "huge string": '{"goals_of_care": "' + "x" * 5_000_000 + '"}',
    "huge garbage": "\x00\x01" * 1_000_000,
    "invalid UTF-8 bytes": b"\xff\xfe{",
    "lone surrogate": '{"goals_of_care": "\ud800"}',
    "None": None,
    "int": 42,
    "float NaN": math.nan,
    "list": [1, 2, 3],
    "empty dict": {},
    "set": {1, 2},
    "object": Unencodable(),
    "tuple key": {(1, 2): "x"},
    "circular": circular(),
    "deep dict": deeply_nested(100_000),
    "dict with object": {"performance_status": {"ecog": Unencodable()}},
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_documents_raise_invalid_case(name):
    doc = HOSTILE[name]
    with pytest.raises(InvalidCase) as info:
        hcc_pathways.recommend(doc)
    err = info.value
    assert isinstance(err.path, str) and err.reason
    with pytest.raises(InvalidCase):
        hcc_pathways.classify(doc)


def test_python_side_errors_name_the_path():
    e = _error({"performance_status": {"ecog": Unencodable()}})
    assert e.path == "performance_status.ecog" and "not a JSON value" in e.reason
    e = _error({"history": {"procedures": ["tace", math.nan]}})
    assert e.path == "history.procedures[1]" and "finite" in e.reason
    assert _error(circular()).reason.startswith("contains itself")
    assert _error(deeply_nested(100_000)).reason == "is nested too deeply"
    assert _error(b"\xff").path == ""


def _error(doc) -> InvalidCase:
    with pytest.raises(InvalidCase) as info:
        hcc_pathways.classify(doc)
    return info.value


def test_batch_never_aborts(cohort_lines):
    good = cohort_lines[:5]
    rows = [good[0], *HOSTILE.values(), good[1], good[2], "{", good[3], {}, good[4]]
    expected_good = hcc_pathways.classify_many(good)
    for fn in (hcc_pathways.classify_many, hcc_pathways.recommend_many):
        results = fn(rows)
        assert len(results) == len(rows)
        ok = [r for r in results if not isinstance(r, Exception)]
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(ok) == 5 and all(isinstance(e, InvalidCase) for e in errors)
        assert len(errors) == len(rows) - 5
        # the valid rows keep their place and their answer
        assert results[0] == fn([good[0]])[0] and results[-1] == fn([good[4]])[0]
    assert [r for r in hcc_pathways.classify_many(rows) if isinstance(r, dict)] == expected_good


def test_batch_accepts_iterables_and_rejects_non_collections(cohort_lines):
    gen = (line for line in cohort_lines[:3])
    assert hcc_pathways.classify_many(gen) == hcc_pathways.classify_many(cohort_lines[:3])
    assert hcc_pathways.classify_many([]) == []
    for not_a_batch in ("a string", b"bytes", {"a": 1}, 42, None):
        with pytest.raises(TypeError):
            hcc_pathways.classify_many(not_a_batch)


# (policy, expected .path)
POLICY_ERRORS = [
    ({"systemic_max_child_pugh": "seven"}, "systemic_max_child_pugh"),
    ({"systemic_max_child_pugh": 99}, "systemic_max_child_pugh"),
    ({"no_such_threshold": 1}, "no_such_threshold"),
    ({"up_to_seven_limit": math.nan}, "up_to_seven_limit"),
    ("{", ""),
    ("null", ""),
    (42, ""),
    (b"\xff", ""),
    (Unencodable(), ""),
]


@pytest.mark.parametrize("policy,path", POLICY_ERRORS, ids=[repr(p[0])[:30] for p in POLICY_ERRORS])
def test_policy_errors(valid_case, cohort_lines, policy, path):
    calls = [
        lambda: hcc_pathways.recommend(valid_case, policy),
        lambda: hcc_pathways.classify(valid_case, policy),
        lambda: hcc_pathways.classify_many(cohort_lines[:10], policy),
        lambda: hcc_pathways.recommend_many(cohort_lines[:10], policy),
    ]
    for call in calls:
        with pytest.raises(InvalidPolicy) as info:
            call()
        assert isinstance(info.value, ValueError) and not isinstance(info.value, InvalidCase)
        assert info.value.path == path
        assert info.value.reason


def test_policy_error_raised_before_case_error():
    with pytest.raises(InvalidPolicy):
        hcc_pathways.classify("{", {"no_such_threshold": 1})


def test_errors_survive_pickle(valid_case):
    err = _error(modified(valid_case, "performance_status.ecog", 7))
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InvalidCase
    assert (back.path, back.reason, str(back)) == (err.path, err.reason, str(err))
    assert back == err


def test_numpy_scalars_are_accepted(valid_case):
    np = pytest.importorskip("numpy")
    case = modified(valid_case, "performance_status.ecog", np.int64(0))
    case = modified(case, "recurrence.intrahepatic.largest_diameter_mm", np.int64(18))
    case = modified(case, "liver_function.bilirubin.value", np.float64(0.8))
    assert hcc_pathways.recommend(case) == hcc_pathways.recommend(valid_case)


def test_random_mutations_never_escape(cohort_lines):
    """2,000 seeded mutations of cohort cases (a random field replaced by a random value, or
    removed): each is answered or rejected with InvalidCase, alone and in a batch, and nothing
    else is raised."""
    import random

    rng = random.Random(2026)
    junk = [None, True, -1, 0, 2**63, -(2**70), 1e308, -0.0, math.nan, -math.inf, "", "x" * 10_000,
            "\u0000", "tace", [], [None], {}, {"value": 1}, {"value": math.nan, "unit": "mg_dl"},
            [[[[]]]], object(), b"bytes", (1, 2)]

    def leaves(obj, prefix=()):
        if isinstance(obj, dict):
            for k, v in obj.items():
                yield prefix + (k,)
                yield from leaves(v, prefix + (k,))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                yield prefix + (i,)
                yield from leaves(v, prefix + (i,))

    cases = []
    for _ in range(2000):
        case = json.loads(rng.choice(cohort_lines))
        path = rng.choice(list(leaves(case)))
        target = case
        for key in path[:-1]:
            target = target[key]
        if rng.random() < 0.2 and isinstance(target, dict):
            del target[path[-1]]
        else:
            target[path[-1]] = rng.choice(junk)
        cases.append(case)
    singles = []
    for case in cases:
        try:
            singles.append(hcc_pathways.classify(case))
        except InvalidCase as e:
            assert isinstance(e.path, str) and e.reason
            singles.append(e)
    assert hcc_pathways.classify_many(cases) == singles
    answered = sum(isinstance(r, dict) for r in singles)
    assert 0 < answered < len(cases)  # both outcomes occur, or the test proves little
