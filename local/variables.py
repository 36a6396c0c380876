"""Tekton variable substitution: `$(params.x)`, `$(tasks.t.results.r[*])`, `$(context.…)`, …

Like Tekton (Go's strings.Replacer), each value is scanned once: replaced text is never
scanned again, and `$(…)` that names no known variable (shell's `$(cat f)`) is left alone.
An array variable `$(params.a[*])` standing alone as an element of a list expands into
several elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union

_VARIABLE = re.compile(r"\$\(([^()]*)\)")
# params["x"] / params['x'] / params["x"][*] -> params.x / params.x[*]
_BRACKETS = re.compile(r"""^(params|results)\[["']([^"']+)["']\](.*)$""")

Value = Union[str, list, dict]


def _normalize(key: str) -> str:
    key = key.strip()
    m = _BRACKETS.match(key)
    if m:
        rest = m.group(3)
        key = f"{m.group(1)}.{m.group(2)}{rest}"
    return key


@dataclass
class Variables:
    """Known variables: `strings` replace inside text, `arrays` expand as list elements,
    `objects` stand for a whole object param value."""

    strings: dict[str, str] = field(default_factory=dict)
    arrays: dict[str, list[str]] = field(default_factory=dict)
    objects: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_value(self, prefix: str, value: Any) -> None:
        """One param or result by its typed value: string, array or object."""
        if isinstance(value, list):
            items = [str(v) for v in value]
            self.arrays[f"{prefix}[*]"] = items
            for i, item in enumerate(items):
                self.strings[f"{prefix}[{i}]"] = item
        elif isinstance(value, dict):
            for key, item in value.items():
                self.strings[f"{prefix}.{key}"] = str(item)
            self.objects[f"{prefix}[*]"] = {k: str(v) for k, v in value.items()}
        else:
            self.strings[prefix] = str(value)

    def merged(self, other: "Variables") -> "Variables":
        return Variables({**self.strings, **other.strings}, {**self.arrays, **other.arrays},
                         {**self.objects, **other.objects})

    def text(self, value: str) -> str:
        def replace(m: re.Match) -> str:
            key = _normalize(m.group(1))
            return self.strings.get(key, m.group(0))

        return _VARIABLE.sub(replace, value)

    def whole_array(self, value: str) -> list[str] | None:
        """The array a value names when it is exactly `$(….[*])`, else None."""
        m = _VARIABLE.fullmatch(value.strip())
        if not m:
            return None
        key = _normalize(m.group(1))
        # an isolated `$(params.a)` also stands for the whole array (Tekton's matrix docs use it)
        return self.arrays.get(key if key.endswith("[*]") else key + "[*]")

    def whole_object(self, value: str) -> dict[str, str] | None:
        m = _VARIABLE.fullmatch(value.strip())
        if not m:
            return None
        key = _normalize(m.group(1))
        return self.objects.get(key if key.endswith("[*]") else key + "[*]")

    def items(self, values: list[str]) -> list[str]:
        out: list[str] = []
        for value in values:
            array = self.whole_array(value)
            if array is not None:
                out.extend(array)
            else:
                out.append(self.text(value))
        return out

    def value(self, value: Value) -> Value:
        """A param value (string, array or object) with variables replaced."""
        if isinstance(value, list):
            return self.items(value)
        if isinstance(value, dict):
            return {k: self.text(v) for k, v in value.items()}
        array = self.whole_array(value)
        if array is not None:
            return array
        obj = self.whole_object(value)
        if obj is not None:
            return obj
        return self.text(value)

    def references(self, value: Value) -> set[str]:
        """Variable names used in a value (normalized)."""
        texts = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
        return {_normalize(m.group(1)) for t in texts for m in _VARIABLE.finditer(t)}


def references(value: Any) -> set[str]:
    return Variables().references(value) if isinstance(value, (str, list, dict)) else set()


_RESULT_REF = re.compile(r"^(tasks|finally)\.([^.\[\]]+)\.results\.([^.\[\]]+)")


def result_refs(value: Any, prefix: str = "tasks") -> set[tuple[str, str]]:
    """(task, result) pairs a value references (`finally` for finally tasks' results)."""
    out = set()
    for key in references(value):
        m = _RESULT_REF.match(key)
        if m and m.group(1) == prefix:
            out.add((m.group(2), m.group(3)))
    return out
