"""Typed KFP parameter values: checking, coercion and CLI parsing (by IR parameter type)."""

from __future__ import annotations

import json
from typing import Any

from kfp.pipeline_spec import pipeline_spec_pb2 as pb

from tekflow.errors import TekflowError

from .documents import loads_json

_TYPE_WORDS = {
    "STRING": "a string",
    "NUMBER_INTEGER": "an integer",
    "NUMBER_DOUBLE": "a number",
    "BOOLEAN": "true or false",
    "LIST": "a JSON list",
    "STRUCT": "a JSON object",
    "TASK_FINAL_STATUS": "a task final status",
}


def type_words(kfp_type: str) -> str:
    """What a value of a KFP parameter type is, in words ("an integer")."""
    return _TYPE_WORDS.get(kfp_type, kfp_type)


def type_name(parameter_type: int) -> str:
    return pb.ParameterType.ParameterTypeEnum.Name(parameter_type)


def coerce(name: str, value: Any, kfp_type: str) -> Any:
    """Check a Python value against a KFP parameter type; return it in canonical form."""
    ok = True
    if kfp_type == "STRING":
        ok = isinstance(value, str)
    elif kfp_type == "NUMBER_INTEGER":
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # kfp stores integer defaults as 3.0
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kfp_type == "NUMBER_DOUBLE":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif kfp_type == "BOOLEAN":
        ok = isinstance(value, bool)
    elif kfp_type == "LIST":
        ok = isinstance(value, list)
    elif kfp_type == "STRUCT":
        ok = isinstance(value, dict)
    if not ok:
        raise TekflowError(
            f"parameter {name!r} expects {type_words(kfp_type)} ({kfp_type}), got {value!r}"
        )
    return value


def parse_text(name: str, text: str, kfp_type: str) -> Any:
    """Parse a command-line value (``-p name=text``) by the parameter's KFP type."""
    if kfp_type == "STRING":
        return text
    if kfp_type == "BOOLEAN":
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        return coerce(name, text, kfp_type)  # raises the typed message
    try:
        value = loads_json(text, f"parameter {name!r}")
    except json.JSONDecodeError:
        return coerce(name, text, kfp_type)
    return coerce(name, value, kfp_type)


def parse_assignments(assignments: list[str], option: str = "-p") -> dict[str, str]:
    """``["a=1", "b=x=y"]`` -> ``{"a": "1", "b": "x=y"}``; each must be NAME=VALUE."""
    out: dict[str, str] = {}
    for item in assignments:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise TekflowError(f"{option} {item!r}: expected NAME=VALUE")
        if name in out and out[name] != text:
            raise TekflowError(f"{option} {name}: given twice ({out[name]!r} and {text!r}); give it once")
        out[name] = text
    return out


def tekton_value(text: str, what: str = "a -p value") -> Any:
    """A -p value for a Tekton param (no KFP type to read it by): a JSON array or object stays
    one, anything else is a string."""
    if text.startswith(("[", "{")):
        try:
            return loads_json(text, what)
        except json.JSONDecodeError:
            pass
    return text


def encode(value: Any, kfp_type: str) -> str:
    """How a value crosses Tekton: STRING raw, everything else compact JSON."""
    if kfp_type == "STRING":
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
