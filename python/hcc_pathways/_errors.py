"""The exceptions of :mod:`hcc_pathways`.

The native module builds these same classes (it imports this module), so an error raised by the
Rust library and one raised while turning a Python object into JSON look alike: the type says
which document is at fault, ``path`` names the field, ``reason`` says why.
"""

from __future__ import annotations

__all__ = ["InvalidInput", "InvalidCase", "InvalidPolicy", "InternalError"]


class InvalidInput(ValueError):
    """An input document was rejected; base of :class:`InvalidCase` and :class:`InvalidPolicy`.

    Attributes:
        path: The JSON path of the field at fault, for example
            ``"recurrence.intrahepatic.largest_diameter_mm"`` or ``"history.procedures[0]"``;
            ``""`` when the document as a whole is at fault (not JSON, not an object, ...).
        reason: Why, without the path, for example
            ``"out of range: expected 0 to 4, found 7"``.

    ``str(error)`` is the full message, path and reason together.
    """

    path: str
    reason: str

    def __init__(self, message: str, path: str | None = "", reason: str = "") -> None:
        super().__init__(message)
        self.path = "" if path is None else path
        self.reason = reason or message

    def __reduce__(self):  # keep path and reason through pickle (multiprocessing)
        return (type(self), (str(self), self.path, self.reason))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={self.path!r}, reason={self.reason!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return (str(self), self.path, self.reason) == (str(other), other.path, other.reason)

    def __hash__(self) -> int:
        return hash((type(self), str(self), self.path, self.reason))


class InvalidCase(InvalidInput):
    """The case was rejected: not JSON, a field missing, unknown, of the wrong type or out of
    range, or facts that contradict each other. ``path`` and ``reason`` say which and why.

    >>> import hcc_pathways
    >>> try:
    ...     hcc_pathways.classify({"performance_status": {"ecog": 7}})
    ... except hcc_pathways.InvalidCase as e:
    ...     print(e.path, "|", e.reason)
    performance_status.ecog | out of range: expected 0 to 4, found 7
    """


class InvalidPolicy(InvalidInput):
    """The policy was rejected; ``path`` is relative to the policy document.

    >>> import hcc_pathways
    >>> try:
    ...     hcc_pathways.classify({}, policy={"systemic_max_child_pugh": "seven"})
    ... except hcc_pathways.InvalidPolicy as e:
    ...     print(e.path)
    systemic_max_child_pugh
    """


class InternalError(RuntimeError):
    """A defect in the library, not in the input (for example a rule set that matched no rule
    or several rules for a valid case). Never expected; please report it with the case.

    ``path`` is always ``None`` and ``reason`` is the message.
    """

    path: None
    reason: str

    def __init__(self, message: str, path: str | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.path = None
        self.reason = reason or message

    def __reduce__(self):
        return (type(self), (str(self), None, self.reason))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"
