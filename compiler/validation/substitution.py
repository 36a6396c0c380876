"""Tekton's variable-reference checks (pkg/substitution and result references), same regexes.

`prefix` is a regex fragment naming a variable family: `params`, `context\\.task`, `results`,
`params\\.obj` (keys of one object param). Each check returns an Errors with the path "" for
the caller to place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .field_errors import Errors, error, go_quote

_PARAMETER = r".*?(\[\*\])?"
_BRACES = "(\\$(\\({prefix}(\\.(?P<var1>{sub})|\\[\"(?P<var2>{sub})\"\\]|\\['(?P<var3>{sub})'\\])\\)))"
_ARRAY_INDEXING = re.compile(r"\[([0-9])*\*?\]")
_WHOLE_REF = r"[_a-zA-Z0-9.-]+\[\*\]"
# any $(…) Tekton may substitute: $(tasks.a.results.b), $(params.x[*]), $(context.pipelineRun.name)
VARIABLE = re.compile(r"\$\([_a-zA-Z0-9.-]+(\.[_a-zA-Z0-9.-]+)*(\[([0-9]+|\*)\])?\)")


@lru_cache(maxsize=None)
def _pattern(prefix: str, sub: str = _PARAMETER) -> re.Pattern:
    return re.compile(_BRACES.format(prefix=prefix, sub=sub))


def _variables(value: str, prefix: str) -> tuple[list[str], Optional[str]]:
    """Names referenced as `$(<prefix>.name…)`, and Tekton's complaint about a malformed one."""
    names = []
    for m in _pattern(prefix).finditer(value):
        dotted = m.group("var1")
        if dotted is not None and "." in dotted:
            if len(dotted.split(".")) > 2:
                return names, (f'Invalid referencing of parameters in "{value}"! Only two dot-separated '
                               f'components after the prefix "{prefix}" are allowed.')
            names.append(dotted.split(".", 1)[0])
            continue
        names.append(next((v for v in (dotted, m.group("var2"), m.group("var3")) if v), ""))
    return names, None


def _entire_variables(value: str, prefix: str) -> list[str]:
    return [next((v for v in (m.group("var1"), m.group("var2"), m.group("var3")) if v), "")
            for m in _pattern(prefix).finditer(value)]


def unknown_variables(value: str, prefix: str, known: set[str]) -> Errors:
    """`non-existent variable in "…"` when a `$(<prefix>.x)` names no known variable."""
    names, malformed = _variables(value, prefix)
    if malformed:
        return error(malformed, "")
    for name in names:
        if _ARRAY_INDEXING.sub("", name) not in known:
            return error(f"non-existent variable in {go_quote(value)}", "")
    return Errors()


def prohibited_variables(value: str, prefix: str, prohibited: set[str]) -> Errors:
    """`variable type invalid in "…"`: an array (or object) used where only a string fits."""
    names, malformed = _variables(value, prefix)
    if malformed:
        return error(malformed, "")
    if any(name.removesuffix("[*]") in prohibited for name in names):
        return error(f"variable type invalid in {go_quote(value)}", "")
    return Errors()


def entire_prohibited_variables(value: str, prefix: str, prohibited: set[str]) -> Errors:
    """Like prohibited_variables, but `obj.key` is a different name than `obj` (a key is fine)."""
    if any(name.removesuffix("[*]") in prohibited for name in _entire_variables(value, prefix)):
        return error(f"variable type invalid in {go_quote(value)}", "")
    return Errors()


def isolated_reference(value: str, prefix: str, arrays: set[str]) -> Errors:
    """An array reference must be the whole value (`$(params.a[*])`, not `x-$(params.a[*])`)."""
    names, malformed = _variables(value, prefix)
    if malformed:
        return error(malformed, "")
    first = _pattern(prefix).search(value)
    for name in names:
        if name.removesuffix("[*]") in arrays and first is not None and len(first.group(0)) != len(value):
            return error(f"variable is not properly isolated in {go_quote(value)}", "")
    return Errors()


def whole_reference(value: str, prefix: str) -> bool:
    """The value is exactly one `$(<prefix>.name[*])` (a whole array or object)."""
    return re.fullmatch(_BRACES.format(prefix=prefix, sub=_WHOLE_REF), value) is not None


def expressions(value: str) -> list[str]:
    """The insides of every `$(…)` Tekton could substitute in a value."""
    return [m.group(0)[2:-1] for m in VARIABLE.finditer(value)]


@dataclass(frozen=True)
class ResultRef:
    task: str
    result: str


def looks_like_result_ref(expression: str) -> bool:
    parts = expression.split(".")
    return len(parts) >= 4 and parts[0] in ("tasks", "finally") and parts[2] == "results"


def result_refs(expressions_: list[str]) -> list[ResultRef]:
    """`tasks.T.results.R`, `…R[0]`, `…R[*]`, `…R.key` -> (T, R); other expressions are skipped."""
    refs = []
    for expression in expressions_:
        if not looks_like_result_ref(expression):
            continue
        parts = expression.split(".")
        if len(parts) == 4:
            refs.append(ResultRef(parts[1], _ARRAY_INDEXING.sub("", parts[3])))
        elif len(parts) == 5:
            refs.append(ResultRef(parts[1], parts[3]))
    return refs
