"""Where plain data (an IR file's YAML) does not fit a protobuf message, said in the file's terms.

protobuf's own parse errors name field types of its C++ API ("expected string or bytes-like
object, got 'float'") and lose map keys; this walk over the message's descriptor names the
path as written in the file (`deploymentSpec.executors.exec-train.container.image`) and the
type the field wants.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Optional

from google.protobuf.descriptor import Descriptor, FieldDescriptor

_INTEGERS = {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_UINT32,
             FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SINT64,
             FieldDescriptor.TYPE_FIXED32, FieldDescriptor.TYPE_FIXED64, FieldDescriptor.TYPE_SFIXED32,
             FieldDescriptor.TYPE_SFIXED64}
_NUMBERS = {FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT}
_STRINGS = {FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES}
_LARGEST_DOUBLE = int(sys.float_info.max)


def mismatch(descriptor: Descriptor, data: Any, path: str, ignore_unknown: bool = False) -> Optional[str]:
    """'PATH: expected …, got …' for the first value that does not fit, else None."""
    if descriptor.full_name.startswith("google.protobuf."):
        return _well_known(descriptor.full_name, data, path)
    if not isinstance(data, dict):
        return _expected(path, "a mapping", data)
    by_name = {**{f.name: f for f in descriptor.fields}, **{f.json_name: f for f in descriptor.fields}}
    chosen: dict[str, str] = {}  # oneof -> the field that set it
    for key, value in data.items():
        where = f"{path}.{key}" if path else str(key)
        field = by_name.get(key)
        if field is None:
            if ignore_unknown:
                continue
            known = ", ".join(sorted(f.json_name for f in descriptor.fields))
            return f"{where}: unknown field (known here: {known})"
        oneof = field.containing_oneof
        if oneof is not None and value is not None:
            if oneof.name in chosen:
                return f"{where}: {chosen[oneof.name]!r} is already given; they are alternatives, give one"
            chosen[oneof.name] = key
        if value is None:
            continue  # protobuf reads null as "not set"
        problem = _field(field, value, where, ignore_unknown)
        if problem:
            return problem
    return None


def unrepresentable_number(data: Any, path: str) -> Optional[str]:
    """'PATH: …' for the first number protobuf's JSON cannot hold (NaN, infinity, beyond a double)."""
    if isinstance(data, float) and not math.isfinite(data):
        return f"{path}: {data!r} is not a number KFP IR can hold (JSON has no NaN or infinity)"
    if isinstance(data, int) and not isinstance(data, bool) and abs(data) > _LARGEST_DOUBLE:
        return f"{path}: an integer of {data.bit_length()} bits is too large for KFP IR (at most about 1.8e308)"
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        problem = unrepresentable_number(value, f"{path}[{key}]" if isinstance(data, list) else
                                         f"{path}.{key}" if path else str(key))
        if problem:
            return problem
    return None


def _field(field: FieldDescriptor, value: Any, where: str, ignore_unknown: bool) -> Optional[str]:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        if not isinstance(value, dict):
            return _expected(where, "a mapping", value)
        value_field = field.message_type.fields_by_name["value"]
        for key, item in value.items():
            if item is None and value_field.message_type is None:
                return _expected(f"{where}.{key}", _kind(value_field), item)
            problem = _single(value_field, item, f"{where}.{key}", ignore_unknown) if item is not None else None
            if problem:
                return problem
        return None
    if _repeated(field):
        if not isinstance(value, list):
            return _expected(where, f"a list of {_kind(field, plural=True)}", value)
        for i, item in enumerate(value):
            if item is None:
                return _expected(f"{where}[{i}]", _kind(field), item)
            problem = _single(field, item, f"{where}[{i}]", ignore_unknown)
            if problem:
                return problem
        return None
    return _single(field, value, where, ignore_unknown)


def _single(field: FieldDescriptor, value: Any, where: str, ignore_unknown: bool) -> Optional[str]:
    if field.message_type is not None:
        return mismatch(field.message_type, value, where, ignore_unknown)
    if field.enum_type is not None:
        names = [v.name for v in field.enum_type.values]
        if value in names or (isinstance(value, int) and not isinstance(value, bool)):
            return None
        return f"{where}: expected one of {', '.join(names)}, got {value!r}"
    fits = {
        FieldDescriptor.TYPE_BOOL: isinstance(value, bool),
        **dict.fromkeys(_STRINGS, isinstance(value, str)),
        **dict.fromkeys(_INTEGERS, _is_integer(value)),
        **dict.fromkeys(_NUMBERS, _is_number(value)),
    }.get(field.type, True)
    return None if fits else _expected(where, _kind(field), value)


def _repeated(field: FieldDescriptor) -> bool:
    # protobuf 6 deprecates `label` for `is_repeated`; kfp also runs with older protobuf
    flag = getattr(field, "is_repeated", None)
    return bool(flag) if flag is not None else field.label == FieldDescriptor.LABEL_REPEATED


def _well_known(full_name: str, data: Any, path: str) -> Optional[str]:
    """Struct, Duration… have their own JSON forms; what they accept beyond these, protobuf checks."""
    wanted = {"google.protobuf.Struct": (dict, "a mapping"), "google.protobuf.ListValue": (list, "a list"),
              "google.protobuf.Duration": (str, "a duration such as '30s'"),
              "google.protobuf.Timestamp": (str, "an RFC 3339 time")}.get(full_name)
    if wanted is not None and not isinstance(data, wanted[0]):
        return _expected(path, wanted[1], data)
    return None


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer()
    if isinstance(value, str):
        return value.strip().lstrip("-").isdigit()
    return isinstance(value, int)


def _is_number(value: Any) -> bool:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(field: FieldDescriptor, plural: bool = False) -> str:
    if field.message_type is not None:
        return "mappings" if plural else "a mapping"
    if field.enum_type is not None:
        return "names" if plural else "a name"
    if field.type == FieldDescriptor.TYPE_BOOL:
        return "booleans" if plural else "true or false"
    if field.type in _INTEGERS:
        return "integers" if plural else "an integer"
    if field.type in _NUMBERS:
        return "numbers" if plural else "a number"
    return "strings" if plural else "a string"


def _expected(where: str, what: str, value: Any) -> str:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{where}: expected {what}, got {_type_name(value)} {shown}"


def _type_name(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "mapping",
            type(None): "null"}.get(type(value), type(value).__name__)
