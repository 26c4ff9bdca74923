"""Guideline-based decision support for recurrent hepatocellular carcinoma (HCC), from Python.

A case in, exactly one treatment pathway out (``repeat_intervention``, ``systemic_therapy`` or
``palliative_care``) with its options, cautions and explanation. These are the bindings of the
Rust crate ``hcc-pathways``: the rules run in Rust, and the results are the crate's own JSON
contract as Python dicts, identical to what the Rust library and its services produce.

**Decision support for a multidisciplinary tumour board, never a replacement for one.** The
output is a guideline-based suggestion for clinicians to review with the patient, not an
order, and the library has not been validated for clinical use.

Functions (each takes a case as a ``dict`` or as JSON text, and an optional policy likewise):

- :func:`recommend` -- the full recommendation, as a dict.
- :func:`recommend_json` -- the same as the library's JSON text.
- :func:`classify` -- the pathway and the deciding rule only (fast).
- :func:`recommend_many`, :func:`classify_many` -- a cohort: a list, a pandas DataFrame or a
  Series; results in input order, an invalid case yields its exception *in its place* and
  never stops the batch.
- :func:`case_schema`, :func:`policy_schema`, :func:`recommendation_schema` -- the JSON
  Schemas of the contract.

Errors: :class:`InvalidCase` and :class:`InvalidPolicy` (both :class:`ValueError`) carry
``.path`` (the field's JSON path) and ``.reason``; :class:`InternalError` is a defect in the
library.

Versions: ``__version__`` (this package), ``CRATE_VERSION`` (the Rust library),
``RULE_SET_VERSION`` (the clinical content; it changes with every clinical change) and
``SCHEMA_VERSION`` (the JSON contract).

>>> import json, hcc_pathways
>>> case = json.load(open("examples/cases/r5_single_small_nodule.json"))
>>> hcc_pathways.classify(case)["pathway"]
'repeat_intervention'
>>> rec = hcc_pathways.recommend(case)
>>> rec["pathway"]
'repeat_intervention'
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from . import _native
from ._errors import InternalError, InvalidCase, InvalidInput, InvalidPolicy

if TYPE_CHECKING:  # pandas is optional; it is imported only when given a DataFrame
    import pandas

__all__ = [
    "recommend",
    "recommend_json",
    "classify",
    "recommend_many",
    "classify_many",
    "case_schema",
    "policy_schema",
    "recommendation_schema",
    "InvalidInput",
    "InvalidCase",
    "InvalidPolicy",
    "InternalError",
    "CRATE_VERSION",
    "RULE_SET_VERSION",
    "SCHEMA_VERSION",
    "__version__",
]

#: Version of this Python package (of the ``hcc-pathways-python`` bindings crate).
__version__: str = _native.BINDINGS_VERSION
#: Version of the Rust library ``hcc-pathways`` that these bindings were built from.
CRATE_VERSION: str = _native.CRATE_VERSION
#: Version of the clinical rule set; every recommendation carries it too.
RULE_SET_VERSION: str = _native.RULE_SET_VERSION
#: Version of the JSON contract (the three schemas), semantic versioning.
SCHEMA_VERSION: str = _native.SCHEMA_VERSION


# --- Python objects to JSON text -------------------------------------------------------------

_NOT_FINITE = "must be a finite number (NaN and infinity are not JSON)"
_MAX_DEPTH = 256


def _default(obj: Any) -> Any:
    """What ``json`` cannot encode on its own: mappings, numpy scalars and arrays."""
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, (tuple, set, frozenset)):
        raise TypeError(f"a {type(obj).__name__} is not a JSON value")
    tolist = getattr(obj, "tolist", None)  # numpy scalars and arrays, pandas arrays
    if callable(tolist) and type(obj).__module__.split(".")[0] in ("numpy", "pandas"):
        return tolist()
    raise TypeError(f"a {type(obj).__name__} is not a JSON value")


_encoder = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_default
)


def _message(path: str, reason: str) -> str:
    # The library's convention: "`a.b` <reason>", or "the document <reason>".
    return f"`{path}` {reason}" if path else f"the document {reason}"


def _locate(obj: Any) -> tuple[str, str]:
    """Finds the first part of ``obj`` that is not JSON: its path and why (after the fast
    encoder failed; slow, iterative, cycle- and depth-safe)."""
    stack: list[tuple[str, Any, int]] = [("", obj, 0)]
    open_ids: set[int] = set()
    while stack:
        path, value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return path, "is nested too deeply"
        if value is None or isinstance(value, (str, bool, int)):
            continue
        if isinstance(value, float):
            if not math.isfinite(value):
                return path, _NOT_FINITE
            continue
        if not isinstance(value, (dict, list)):
            try:
                value = _default(value)
            except Exception as e:  # noqa: BLE001 - reported as the reason
                return path, f"is not a JSON value ({e})"
            stack.append((path, value, depth))
            continue
        if id(value) in open_ids:
            return path, "contains itself (a circular reference)"
        open_ids.add(id(value))
        if isinstance(value, dict):
            children = []
            for key, child in value.items():
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    return path, f"has a key that is not text: {key!r}"
                name = str(key)
                children.append((f"{path}.{name}" if path else name, child, depth + 1))
        else:
            children = [(f"{path}[{i}]", child, depth + 1) for i, child in enumerate(value)]
        stack.extend(reversed(children))
    return "", "cannot be written as JSON"


def _text(obj: Any, error: type[InvalidInput]) -> str:
    """A case or policy as JSON text: ``str`` passes through, ``bytes`` are decoded as UTF-8,
    anything else is encoded with :mod:`json` (mappings, lists, numbers, numpy scalars)."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, (bytes, bytearray, memoryview)):
        try:
            return bytes(obj).decode("utf-8")
        except UnicodeDecodeError as e:
            reason = f"is not UTF-8 text: {e}"
            raise error(_message("", reason), "", reason) from None
    try:
        return _encoder.encode(obj)
    except Exception:  # noqa: BLE001 - any failure to encode is an invalid document
        try:
            path, reason = _locate(obj)
        except Exception as e:  # noqa: BLE001 - a hostile object: report what we can
            path, reason = "", f"cannot be written as JSON ({type(e).__name__}: {e})"
        raise error(_message(path, reason), path, reason) from None


def _policy_text(policy: Any) -> str | None:
    return None if policy is None else _text(policy, InvalidPolicy)


class _RowError:
    """A row that the DataFrame reader already rejected (distinct from any user object)."""

    __slots__ = ("error",)

    def __init__(self, error: InvalidCase) -> None:
        self.error = error


def _case_texts(cases: Iterable[Any]) -> list[Any]:
    """Each case as JSON text, or its :class:`InvalidCase` when it cannot be written as JSON
    (the native batch passes such an item through as that row's result)."""
    out: list[Any] = []
    append = out.append
    for case in cases:
        if type(case) is str:
            append(case)
            continue
        if type(case) is _RowError:
            append(case.error)
            continue
        try:
            append(_text(case, InvalidCase))
        except InvalidCase as e:
            append(e)
    return out


# --- pandas (optional) ------------------------------------------------------------------------


def _pandas_kind(obj: Any) -> str | None:
    """"frame" or "series" for a pandas DataFrame or Series, else None; pandas is not imported
    unless the caller already has one of its objects."""
    if not type(obj).__module__.startswith("pandas"):
        return None
    pd = sys.modules.get("pandas")
    if pd is None:
        return None
    if isinstance(obj, pd.DataFrame):
        return "frame"
    if isinstance(obj, pd.Series):
        return "series"
    return None


def _cell(value: Any, pd: Any) -> tuple[bool, Any]:
    """(present, value) for one DataFrame cell: a missing cell (None, NaN, pd.NA) is an absent
    field; numpy scalars become Python values; an integral float becomes an int (pandas stores
    an integer column with missing values as floats, and the library rejects ``1.0`` for an
    integer)."""
    if value is None or value is pd.NA or value is getattr(pd, "NaT", None):
        return False, None
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, float):
        if value != value:
            return False, None
        if value.is_integer() and math.isfinite(value):
            return True, int(value)
    return True, value


def _missing_case() -> InvalidCase:
    return InvalidCase(_message("", "is missing (an empty cell)"), "", "is missing (an empty cell)")


def _frame_cases(df: Any) -> list[Any]:
    """The cases of a DataFrame, one per row (see :func:`classify_many`)."""
    pd = sys.modules["pandas"]
    if "case" in df.columns:
        return [_RowError(_missing_case()) if not _cell(v, pd)[0] else v for v in df["case"]]
    columns = []
    for name in df.columns:
        if not isinstance(name, str):
            raise TypeError(f"DataFrame column names must be field names (text), not {name!r}")
        columns.append(name.split("."))
    cases: list[Any] = []
    for row in df.itertuples(index=False, name=None):
        case: dict[str, Any] = {}
        try:
            for parts, raw in zip(columns, row):
                present, value = _cell(raw, pd)
                if not present:
                    continue
                target = case
                for i, part in enumerate(parts[:-1]):
                    target = target.setdefault(part, {})
                    if not isinstance(target, dict):
                        path = ".".join(parts[: i + 1])
                        reason = "is given both as a value and as nested columns"
                        raise InvalidCase(_message(path, reason), path, reason)
                target[parts[-1]] = value
        except InvalidCase as e:
            cases.append(_RowError(e))
            continue
        cases.append(case)
    return cases


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector while a batch builds its results: the many small
    dicts and lists it allocates would otherwise trigger collections that cost as much as the
    work (the results hold no reference cycles, so nothing is left for the collector)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _batch_input(cases: Any) -> tuple[list[Any], Any, str | None]:
    """(JSON texts or errors, pandas index or None, pandas kind or None)."""
    kind = _pandas_kind(cases)
    if kind == "frame":
        return _case_texts(_frame_cases(cases)), cases.index, kind
    if kind == "series":
        return _case_texts(cases.tolist()), cases.index, kind
    if isinstance(cases, (str, bytes, bytearray, Mapping)):
        raise TypeError(
            "cases must be a list (or other iterable) of cases, a pandas DataFrame or a Series; "
            f"got a single {type(cases).__name__}: use classify() or recommend() for one case"
        )
    if not isinstance(cases, Iterable):
        raise TypeError(f"cases must be a list, a DataFrame or a Series, not {type(cases).__name__}")
    return _case_texts(cases), None, None


# --- the API ----------------------------------------------------------------------------------


def recommend(
    case: Mapping[str, Any] | str | bytes, policy: Mapping[str, Any] | str | bytes | None = None
) -> dict[str, Any]:
    """Recommends a treatment pathway for one case.

    Args:
        case: The case, as a ``dict`` (any mapping; nested dicts and lists as in the JSON
            contract) or as JSON text (``str`` or UTF-8 ``bytes``). See :func:`case_schema`
            and the bundled ``examples/cases/*.json``.
        policy: The thresholds, as a ``dict`` or JSON text giving only the fields that differ
            from the default (``None``: the default policy, the clinical specification's).
            See :func:`policy_schema` and ``examples/policies/*.json``.

    Returns:
        The recommendation, exactly the library's JSON contract (:func:`recommendation_schema`)
        read into Python: ``rec["status"]`` is ``"decided"`` and ``rec["pathway"]`` is
        ``"repeat_intervention"``, ``"systemic_therapy"`` or ``"palliative_care"``; the rest
        carries the deciding rule and its reason, the options, what is pending on facts not
        known, cautions, considerations, every fact read, why not the other pathways, the
        sources, the rule-set version and the tumour-board statement. When facts the case
        leaves unknown (``null``) decide between pathways, ``rec["status"]`` is
        ``"undecided"``: no pathway, but the ``"candidates"`` and the ``"facts_needed"``, each
        with the pathway its values lead to.

    Raises:
        InvalidCase: the case was rejected; ``.path`` names the field, ``.reason`` says why.
        InvalidPolicy: the policy was rejected, likewise.
        InternalError: a defect in the library (never expected).

    >>> import json, hcc_pathways
    >>> case = json.load(open("examples/cases/r3_lung_metastases_fit.json"))
    >>> hcc_pathways.recommend(case)["pathway"]
    'systemic_therapy'
    """
    return json.loads(_native.recommend_json(_text(case, InvalidCase), _policy_text(policy)))


def recommend_json(
    case: Mapping[str, Any] | str | bytes, policy: Mapping[str, Any] | str | bytes | None = None
) -> str:
    """As :func:`recommend`, but returns the library's JSON text unchanged,
    byte for byte what the Rust ``Recommendation::to_json_explained`` writes (compact, with the
    explanation): for files and services.

    >>> import hcc_pathways
    >>> text = hcc_pathways.recommend_json(open("examples/cases/r1_comfort_focused.json").read())
    >>> text.startswith("{")
    True
    """
    return _native.recommend_json(_text(case, InvalidCase), _policy_text(policy))


def classify(
    case: Mapping[str, Any] | str | bytes, policy: Mapping[str, Any] | str | bytes | None = None
) -> dict[str, str]:
    """The pathway and the deciding rule for one case, without the explanation (fast).

    Arguments, errors and the pathway are as in :func:`recommend`; the result is
    ``{"pathway": ..., "rule": ...}`` and agrees with ``recommend(case, policy)``. When facts
    the case leaves unknown (``null``) decide between pathways, ``"pathway"`` is ``None`` and
    ``"rule"`` lists the candidate rules (``"R3 or R5"``); :func:`recommend` names the facts
    needed.

    >>> import json, hcc_pathways
    >>> case = json.load(open("examples/cases/r7_child_pugh_7_multinodular.json"))
    >>> hcc_pathways.classify(case)["pathway"]
    'palliative_care'
    >>> hcc_pathways.classify(case, policy={"systemic_max_child_pugh": 7})["pathway"]
    'systemic_therapy'
    """
    pathway, rule = _native.classify_pair(_text(case, InvalidCase), _policy_text(policy))
    return {"pathway": pathway, "rule": rule}


def classify_many(
    cases: Iterable[Any] | pandas.DataFrame | pandas.Series,
    policy: Mapping[str, Any] | str | bytes | None = None,
) -> list[Any] | pandas.DataFrame | pandas.Series:
    """Classifies many cases under one policy; the rules run in Rust without the GIL.

    Args:
        cases: One of
            - a list (or any iterable) of cases, each a ``dict`` or JSON text;
            - a pandas ``Series`` of such cases;
            - a pandas ``DataFrame`` with one case per row, either
              (a) in a column named ``case`` holding a ``dict`` or JSON text per row (other
              columns are ignored), for example ``pd.DataFrame({"case": lines})``; or
              (b) as the case's fields in columns: top-level fields as columns whose cells
              hold values or nested dicts (what ``pd.read_json(path, lines=True)`` gives),
              and/or nested fields as dotted column names (what ``pd.json_normalize`` gives,
              e.g. ``performance_status.ecog``). A missing cell (``None``, ``NaN``,
              ``pd.NA``) is an absent field; an integral float such as ``2.0`` is read as the
              integer ``2``, since pandas stores integer columns with gaps as floats.
        policy: As in :func:`recommend`; checked once, before any case.

    Returns:
        For a list or iterable: a ``list`` in input order whose element ``i`` is
        ``{"pathway": ..., "rule": ...}`` for case ``i``, or the :class:`InvalidCase` (or
        :class:`InternalError`) instance for that case if it was rejected -- test with
        ``isinstance(r, Exception)``. One bad case never stops the batch.
        For a Series: a ``Series`` of those same elements, on the input's index.
        For a DataFrame: a ``DataFrame`` on the input's index with columns ``pathway`` and
        ``rule`` (missing where the case was rejected) and ``error`` (``None``, or the
        exception).

    Raises:
        InvalidPolicy: the policy was rejected (no case is run).
        TypeError: ``cases`` is not a collection of cases (a single dict or string, say).

    >>> import json, hcc_pathways
    >>> lines = open("examples/cohort/synthetic_cohort.jsonl").read().splitlines()[:3]
    >>> results = hcc_pathways.classify_many(lines + ['{"not": "a case"}'])
    >>> [r["pathway"] if isinstance(r, dict) else type(r).__name__ for r in results]
    ['palliative_care', 'systemic_therapy', 'palliative_care', 'InvalidCase']
    """
    policy_text = _policy_text(policy)
    with _gc_paused():
        texts, index, kind = _batch_input(cases)
        results = _native.classify_many(texts, policy_text)
    if kind is None:
        return results
    pd = sys.modules["pandas"]
    if kind == "series":
        return pd.Series(results, index=index, dtype=object, name="classification")
    ok = [isinstance(r, dict) for r in results]
    return pd.DataFrame(
        {
            "pathway": [r["pathway"] if good else None for r, good in zip(results, ok)],
            "rule": [r["rule"] if good else None for r, good in zip(results, ok)],
            "error": [None if good else r for r, good in zip(results, ok)],
        },
        index=index,
    )


def recommend_many(
    cases: Iterable[Any] | pandas.DataFrame | pandas.Series,
    policy: Mapping[str, Any] | str | bytes | None = None,
) -> list[Any] | pandas.Series:
    """Recommends for many cases under one policy; the rules run in Rust without the GIL.

    ``cases`` and ``policy`` are as in :func:`classify_many`.

    Returns:
        For a list or iterable: a ``list`` in input order whose element ``i`` is the
        recommendation dict for case ``i`` (as :func:`recommend` returns), or the
        :class:`InvalidCase` (or :class:`InternalError`) instance for that case if it was
        rejected. One bad case never stops the batch. For a DataFrame or a Series: a
        ``Series`` of those elements on the input's index.

    Raises:
        InvalidPolicy: the policy was rejected (no case is run).
        TypeError: ``cases`` is not a collection of cases.

    >>> import hcc_pathways
    >>> lines = open("examples/cohort/synthetic_cohort.jsonl").read().splitlines()[:2]
    >>> [r["pathway"] for r in hcc_pathways.recommend_many(lines)]
    ['palliative_care', 'systemic_therapy']
    """
    policy_text = _policy_text(policy)
    with _gc_paused():
        texts, index, kind = _batch_input(cases)
        results = _native.recommend_many(texts, policy_text)
    if kind is None:
        return results
    pd = sys.modules["pandas"]
    return pd.Series(results, index=index, dtype=object, name="recommendation")


def _schema(name: str) -> dict[str, Any]:
    return json.loads(_native.schema_json(name))


def case_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the case, the input; a fresh dict on every call.

    It checks each field on its own (types, units, ranges, required and unknown fields); the
    library also checks facts that depend on each other, so a case the schema accepts can
    still raise :class:`InvalidCase`. Its ``x-schema-version`` is :data:`SCHEMA_VERSION`.

    >>> import hcc_pathways
    >>> hcc_pathways.case_schema()["x-schema-version"] == hcc_pathways.SCHEMA_VERSION
    True
    """
    return _schema("case")


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of the policy (every field optional; a fresh dict on every call)."""
    return _schema("policy")


def recommendation_schema() -> dict[str, Any]:
    """The JSON Schema of the recommendation, the output (a fresh dict on every call)."""
    return _schema("recommendation")
