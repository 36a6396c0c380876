"""Tekton model -> YAML text, deterministically (same model, same bytes)."""

from __future__ import annotations

from typing import Any

import yaml

from .serde import to_data


# libyaml's emitter when present: the pure-Python one is most of a compile's time.
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


# Go's YAML 1.1 reader (sigs.k8s.io/yaml, what kubectl and Tekton use) also reads these as
# booleans, while PyYAML would leave y/n unquoted: quote them so a param named `n` stays a string.
_GO_YAML_BOOLS = frozenset("y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF".split())


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if value in _GO_YAML_BOOLS:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    style = "|" if "\n" in value and not any(c in value for c in "\r\t") and value == value.rstrip(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(obj: Any) -> str:
    """One document (a model object or plain data) as YAML."""
    if isinstance(obj, (dict, list)):
        data = obj
    elif hasattr(obj, "openapi_types"):  # a model of the kubernetes client (CronJob, Role…)
        from kubernetes.client import ApiClient

        data = ApiClient().sanitize_for_serialization(obj)
    else:
        data = to_data(obj)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=1 << 20, allow_unicode=True)


def to_yaml_documents(objs: list[Any]) -> str:
    return "---\n".join(to_yaml(o) for o in objs)
