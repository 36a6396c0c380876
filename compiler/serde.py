"""Typed <-> plain-data conversion for the Tekton model.

Dataclass fields map to camelCase keys (override with ``field(metadata={"json": ...})``).
Kubernetes pod-level types are the ``kubernetes`` client's models and go through its
own serializer. Parsing is strict: an unknown key is an error naming its path, so the
local executor can say exactly which field it does not understand.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Union

from kubernetes import client as k8s

_API = k8s.ApiClient()


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
    if hasattr(obj, "openapi_types"):
        return _API.sanitize_for_serialization(obj)
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
    if isinstance(cls, type) and hasattr(cls, "openapi_types"):
        return k8s_from_data(cls, data, path)
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


def k8s_from_data(cls: type, data: Any, path: str = "") -> Any:
    """Strictly deserialize a kubernetes client model (the client itself drops unknown keys)."""
    _check_k8s_keys(cls.__name__, data, path)
    return _API._ApiClient__deserialize(data, cls.__name__)  # the client's own deserializer


def _check_k8s_keys(type_name: str, data: Any, path: str) -> None:
    if type_name.startswith("list["):
        if isinstance(data, list):
            for i, v in enumerate(data):
                _check_k8s_keys(type_name[5:-1], v, f"{path}[{i}]")
        return
    if type_name.startswith("dict("):
        if isinstance(data, dict):
            inner = type_name[5:-1].split(", ", 1)[1]
            for k, v in data.items():
                _check_k8s_keys(inner, v, f"{path}.{k}")
        return
    model = getattr(k8s, type_name, None)
    if model is None or not hasattr(model, "attribute_map"):
        return
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected a mapping, got {type(data).__name__}")
    by_json = {v: k for k, v in model.attribute_map.items()}
    for key, value in data.items():
        attr = by_json.get(key)
        if attr is None:
            raise ModelError(f"{path}.{key}: unknown field")
        _check_k8s_keys(model.openapi_types[attr], value, f"{path}.{key}")
