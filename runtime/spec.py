"""The launch spec: JSON the compiler writes into every launcher step's `--spec` argument.

Tekton substitutes `$(…)` anywhere in a step's args. The spec carries user text (commands,
defaults, f-strings) that may contain `$(`, so it is encoded with every `$(` written as the
JSON escape `$\\u0028`: Tekton leaves it alone and any JSON parser reads it back unchanged.
"""

from __future__ import annotations

import json
from typing import Any

SPEC_VERSION = 1


class SpecError(ValueError):
    """A launch spec that this launcher cannot read."""


def encode_spec(spec: dict[str, Any]) -> str:
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("$(", "$\\u0028")


def decode_spec(text: str) -> dict[str, Any]:
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"launch spec is not JSON: {exc}") from None
    if not isinstance(spec, dict) or spec.get("version") != SPEC_VERSION:
        raise SpecError(f"launch spec version {spec.get('version') if isinstance(spec, dict) else None!r} "
                        f"is not {SPEC_VERSION}: the launcher image does not match the compiler")
    return spec
