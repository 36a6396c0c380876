"""Field errors as Tekton's admission webhook reports them (knative.dev/pkg/apis.FieldError).

An error is a message, the paths of the fields it is about and optional details. Checks of a
nested object return paths relative to that object; the caller prefixes them (`via_field`,
`via_index`, `via_key`), so the final path reads like `spec.pipelineSpec.tasks[1].name`.
`lines()` merges and orders the errors exactly as knative does, so messages compare
one-to-one with what Tekton's own code answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator


@dataclass(frozen=True)
class FieldError:
    message: str
    paths: tuple[str, ...] = ("",)
    details: str = ""

    def line(self) -> str:
        """`message: path, path` with the details (if any) after it, on one line."""
        text = f"{self.message}: {', '.join(self.paths)}"
        return f"{text} ({' '.join(self.details.split())})" if self.details else text


def _is_index(part: str) -> bool:
    return part.startswith("[") and part.endswith("]")


def _flatten(parts: Iterable[str]) -> str:
    """knative's path joining: parts split at dots, empty parts dropped, `[i]` glued to its field."""
    out: list[str] = []
    for part in parts:
        for piece in part.split("."):
            if piece == "":
                continue
            if out and _is_index(piece):
                out[-1] += piece
            else:
                out.append(piece)
    return ".".join(out)


class Errors:
    """An ordered collection of FieldErrors (nil in Go is an empty Errors)."""

    def __init__(self, errors: Iterable[FieldError] = ()) -> None:
        self._errors = list(errors)

    def __iter__(self) -> Iterator[FieldError]:
        return iter(self._errors)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def also(self, *others: "Errors | FieldError | None") -> "Errors":
        others = tuple(o for o in others if o)
        if not others:  # the common case: nothing wrong, no copy
            return self
        errors = list(self._errors)
        for other in others:
            errors.extend([other] if isinstance(other, FieldError) else list(other))
        return Errors(errors)

    def via_field(self, *prefix: str) -> "Errors":
        if not self._errors:
            return self
        return Errors(FieldError(e.message, tuple(_flatten([*prefix, p]) for p in e.paths), e.details)
                      for e in self._errors)

    def via_index(self, index: int) -> "Errors":
        return self.via_field(f"[{index}]")

    def via_field_index(self, name: str, index: int) -> "Errors":
        return self.via_index(index).via_field(name)

    def via_key(self, key: str) -> "Errors":
        return self.via_field(f"[{key}]")

    def via_field_key(self, name: str, key: str) -> "Errors":
        return self.via_key(key).via_field(name)

    def merged(self) -> list[FieldError]:
        """One error per (message, details), paths united and sorted; ordered by message, then details."""
        by_key: dict[tuple[str, str], list[str]] = {}
        for e in self._errors:
            paths = by_key.setdefault((e.message, e.details), [])
            paths.extend(p for p in e.paths if p not in paths)
        return [FieldError(message, tuple(sorted(paths)), details)
                for (message, details), paths in sorted(by_key.items())]

    def lines(self) -> list[str]:
        return [e.line() for e in self.merged()]


def error(message: str, *paths: str, details: str = "") -> Errors:
    """One error (knative's ErrGeneric); with no path it is about the current field."""
    return Errors([FieldError(message, paths or ("",), details)])


def invalid_value(value: object, path: str = "", details: str = "") -> Errors:
    """knative's ErrInvalidValue."""
    return error(f"invalid value: {value}", path, details=details)


def missing_field(*paths: str) -> Errors:
    return error("missing field(s)", *paths)


def missing_one_of(*paths: str) -> Errors:
    return error("expected exactly one, got neither", *paths)


def multiple_one_of(*paths: str) -> Errors:
    return error("expected exactly one, got both", *paths)


def go_quote(text: str) -> str:
    """Go's %q of a string: double quotes, backslash escapes for quotes and control characters."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        elif not ch.isprintable():
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
