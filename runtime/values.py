"""Parameter values crossing Tekton as text: decode by the consumer's KFP type, encode, spill.

STRING travels raw, every other type as compact JSON (docs/architecture.md "Values").
"""

from __future__ import annotations

import json
from typing import Any, Iterator

SPILLED = "tekflow:spilled"
# The result of a task with launcher-evaluated conditions: the false condition when its launcher
# skipped main (in every iteration it ran), empty when main ran. Tekton shows such a TaskRun as
# Succeeded; `tekflow run` and `tekflow get/wait` report the task Skipped (ConditionFalse) from it.
SKIPPED_RESULT = "tekflow-skipped"
SKIPPED_RESULT_CHARS = 120  # of the condition's text, well inside RESULTS_BUDGET's margin


def skipped_by_condition(taskrun_results: list[dict[str, Any]]) -> str | None:
    """The false condition when every TaskRun of a task says its launcher skipped main
    (SKIPPED_RESULT), else None: what `tekflow run` and `tekflow get/wait` report as Skipped."""
    conditions = [results.get(SKIPPED_RESULT) for results in taskrun_results]
    return conditions[0] if conditions and all(conditions) else None
# A parameter value reaches a process as one argument: `--param NAME=VALUE` of the launcher, the
# value itself or inside `{{$}}` (the ExecutorInput JSON) for the component. Linux takes at most
# 131071 bytes per argument (MAX_ARG_STRLEN, 128 KiB with its NUL); this leaves room for the rest.
MAX_VALUE_BYTES = 100 * 1024  # docs/limits.md "Parameter values"
MAX_ARGUMENT_BYTES = 128 * 1024 - 1
RESULTS_BUDGET = 3000  # bytes of all a task's results; Tekton's termination message holds 4096


class ValueError_(ValueError):
    pass


def value_size(value: Any) -> int:
    """The bytes a value takes in `{{$}}`: its JSON text in UTF-8 without a string's quotes (plain
    text counts its UTF-8 bytes; `"`, `\\` and control characters count as their escapes).
    ValueError for text UTF-8 cannot carry (lone surrogates, from bytes that were not UTF-8)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValueError("is not valid UTF-8 text") from None
    return size - 2 if isinstance(value, str) else size


def size_problem(value: Any) -> str:
    """Why a parameter value cannot be passed ("is … bytes, more than …"), or ""."""
    try:
        size = value_size(value)
    except ValueError as e:
        return str(e)
    if any("\0" in text for text in _texts(value)):
        return "holds a NUL character, which no process argument can carry"
    if size > MAX_VALUE_BYTES:
        return f"is {size} bytes, more than the {MAX_VALUE_BYTES} (100 KiB) a parameter value may have"
    return ""


def _texts(value: Any) -> Iterator[str]:
    """Every string in a value: itself, or the items and keys of a list or object."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)


def decode(text: str, kfp_type: str) -> Any:
    if kfp_type == "STRING":
        return text
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        if kfp_type == "BOOLEAN" and text.strip().lower() in ("true", "false"):
            return text.strip().lower() == "true"
        raise ValueError_(f"{text[:200]!r} is not a valid {kfp_type} value") from None
    return coerce(value, kfp_type)


def coerce(value: Any, kfp_type: str) -> Any:
    """A value in canonical form for its type (an integer written as 3.0 becomes 3)."""
    if kfp_type == "NUMBER_INTEGER":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return coerce(json.loads(value), kfp_type)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError_(f"{value!r} is not an integer")
        return value
    if kfp_type == "NUMBER_DOUBLE":
        if isinstance(value, str):
            value = json.loads(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError_(f"{value!r} is not a number")
        return float(value)
    if kfp_type == "BOOLEAN":
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            raise ValueError_(f"{value!r} is not true or false")
        return value
    if kfp_type in ("LIST", "STRUCT"):
        if isinstance(value, str):
            value = json.loads(value)
        expected = list if kfp_type == "LIST" else dict
        if not isinstance(value, expected):
            raise ValueError_(f"{value!r} is not a {'list' if expected is list else 'JSON object'}")
        return value
    if kfp_type == "STRING" and not isinstance(value, str):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return value


def encode(value: Any, kfp_type: str) -> str:
    if kfp_type == "STRING" and isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def spill(encoded: dict[str, str], budget: int = RESULTS_BUDGET) -> dict[str, str]:
    """What each result holds: the value, or SPILLED for the largest ones over the budget."""
    out = dict(encoded)
    for name, text in out.items():
        if text == SPILLED:
            out[name] = SPILLED  # a real value equal to the sentinel is always spilled
    size = sum(len(t.encode()) for t in out.values())
    for name in sorted(out, key=lambda n: (-len(out[n].encode()), n)):
        if size <= budget:
            break
        if out[name] != SPILLED:
            size -= len(out[name].encode()) - len(SPILLED)
            out[name] = SPILLED
    return out
