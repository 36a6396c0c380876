"""Typed <-> plain-data conversion for the Tekton model.

Dataclass fields map to camelCase keys (override with ``field(metadata={"json": ...})``).
Parsing is strict: an unknown key is an error naming its path, so the
local executor can say exactly which field it does not understand.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Union


class ModelError(ValueError):
    """A document does not fit the typed model (unknown field, wrong shape)."""


def json_name(f: dataclasses.Field) -> str:
    if "json" in f.metadata:
        return f.metadata["json"]
    head, *rest = f.name.rstrip("_").split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (list, dict)) and not value)


def to_data(obj: Any) -> Any:
    """Model object -> plain dict/list/str, dropping unset and empty fields."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            keep_empty = f.metadata.get("keep_empty", False)
            if _is_empty(value) and not (keep_empty and value is not None):
                continue
            out[json_name(f)] = to_data(value)
        return out
    if isinstance(obj, list):
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    return obj


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(cls: Any, data: Any, path: str = "") -> Any:
    """Plain data -> model object of type ``cls``; unknown keys raise ModelError."""
    origin = typing.get_origin(cls)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(cls) if a is not type(None)]
        if data is None:
            return None
        errors = []
        for option in options:
            try:
                return from_data(option, data, path)
            except ModelError as e:
                errors.append(str(e))
        raise ModelError(errors[0] if len(errors) == 1 else f"{path or '<root>'}: unexpected value {data!r}")
    if origin is list:
        (item,) = typing.get_args(cls)
        if not isinstance(data, list):
            raise ModelError(f"{path}: expected a list, got {type(data).__name__}")
        return [from_data(item, v, f"{path}[{i}]") for i, v in enumerate(data)]
    if origin is dict:
        _, value_type = typing.get_args(cls)
        if not isinstance(data, dict):
            raise ModelError(f"{path}: expected a mapping, got {type(data).__name__}")
        return {str(k): from_data(value_type, v, f"{path}.{k}") for k, v in data.items()}
    if cls is Any:
        return data
    if dataclasses.is_dataclass(cls):
        if not isinstance(data, dict):
            raise ModelError(f"{path}: expected a mapping, got {type(data).__name__}")
        hints = _hints(cls)
        by_json = {json_name(f): f for f in dataclasses.fields(cls)}
        kwargs = {}
        for key, value in data.items():
            f = by_json.get(key)
            if f is None:
                raise ModelError(f"{path + '.' if path else ''}{key}: unknown or unsupported field")
            kwargs[f.name] = from_data(hints[f.name], value, f"{path + '.' if path else ''}{key}")
        return cls(**kwargs)
    if cls is str:
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            raise ModelError(f"{path}: expected a string, got {type(data).__name__}")
        return str(data)
    if cls is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise ModelError(f"{path}: expected an integer, got {data!r}")
        return data
    if cls is bool:
        if not isinstance(data, bool):
            raise ModelError(f"{path}: expected true or false, got {data!r}")
        return data
    raise ModelError(f"{path}: cannot read type {cls!r}")
