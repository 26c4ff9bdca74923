# Type stubs of the public API (the docstrings are in __init__.py).
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeAlias, TypedDict, overload

from ._errors import InternalError as InternalError
from ._errors import InvalidCase as InvalidCase
from ._errors import InvalidInput as InvalidInput
from ._errors import InvalidPolicy as InvalidPolicy

import pandas as _pd  # only for the annotations; pandas is optional at run time

__version__: str
CRATE_VERSION: str
RULE_SET_VERSION: str
SCHEMA_VERSION: str

#: A case or a policy: a mapping (as read by ``json.load``) or JSON text.
Document: TypeAlias = Mapping[str, Any] | str | bytes | bytearray

PathwayName: TypeAlias = Literal["repeat_intervention", "systemic_therapy", "palliative_care"]

class Classification(TypedDict):
    pathway: PathwayName
    rule: str

#: The recommendation: the library's JSON contract (see ``recommendation_schema()``).
#: Only ``pathway`` is named here; the other fields follow the schema of the installed version.
Recommendation: TypeAlias = dict[str, Any]

def recommend(case: Document, policy: Document | None = None) -> Recommendation: ...
def recommend_json(case: Document, policy: Document | None = None) -> str: ...
def classify(case: Document, policy: Document | None = None) -> Classification: ...
@overload
def classify_many(cases: _pd.DataFrame, policy: Document | None = None) -> _pd.DataFrame: ...
@overload
def classify_many(cases: _pd.Series, policy: Document | None = None) -> _pd.Series: ...
@overload
def classify_many(
    cases: Iterable[Document], policy: Document | None = None
) -> list[Classification | InvalidCase | InternalError]: ...
@overload
def recommend_many(
    cases: _pd.DataFrame | _pd.Series, policy: Document | None = None
) -> _pd.Series: ...
@overload
def recommend_many(
    cases: Iterable[Document], policy: Document | None = None
) -> list[Recommendation | InvalidCase | InternalError]: ...
def case_schema() -> dict[str, Any]: ...
def policy_schema() -> dict[str, Any]: ...
def recommendation_schema() -> dict[str, Any]: ...
