"""Go durations (time.ParseDuration, Duration.String) as Tekton's timeouts are decoded and reported."""

from __future__ import annotations

import re
from fractions import Fraction

_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9,
       "h": 3600 * 10**9}
_COMPONENT = re.compile(r"([0-9]*)(\.[0-9]*)?([^0-9.]*)")
_MAX = 2**63 - 1


class DurationError(ValueError):
    """Go's own message: `time: invalid duration "forever"`."""


def parse(text: str) -> int:
    """Nanoseconds of a Go duration (`1h30m`, `-5s`, `1.5h`, `0`); DurationError otherwise."""
    body, sign = text, 1
    if body[:1] in "+-" and body:
        sign, body = (-1 if body[0] == "-" else 1), body[1:]
    if body == "0":
        return 0
    if not body:
        raise DurationError(f'time: invalid duration "{text}"')
    total, pos = Fraction(0), 0
    while pos < len(body):
        m = _COMPONENT.match(body, pos)
        whole, fraction, unit = m.group(1), m.group(2), m.group(3)
        if not whole and fraction in (None, "."):
            raise DurationError(f'time: invalid duration "{text}"')
        if not unit:
            raise DurationError(f'time: missing unit in duration "{text}"')
        if unit not in _NS:
            raise DurationError(f'time: unknown unit "{unit}" in duration "{text}"')
        number = Fraction(whole or "0") + (Fraction("0" + fraction) if fraction not in (None, ".") else 0)
        total += number * _NS[unit]
        pos = m.end()
    nanoseconds = int(total)  # Go truncates fractions of a nanosecond
    if nanoseconds > _MAX + (sign < 0):
        raise DurationError(f'time: invalid duration "{text}"')
    return sign * nanoseconds


def format_go(nanoseconds: int) -> str:
    """Go's Duration.String(): `1h0m0s`, `-1m30s`, `1.5s`, `500ms`, `0s`."""
    if nanoseconds == 0:
        return "0s"
    sign = "-" if nanoseconds < 0 else ""
    n = abs(nanoseconds)
    if n < 10**9:
        for unit, size in (("ms", 10**6), ("µs", 10**3), ("ns", 1)):
            if n >= size:
                return sign + _decimal(n, size) + unit
    seconds_part = _decimal(n % (60 * 10**9), 10**9) + "s"
    minutes = n // (60 * 10**9)
    if minutes == 0:
        return sign + seconds_part
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{sign}{minutes}m{seconds_part}"
    return f"{sign}{hours}h{minutes}m{seconds_part}"


def _decimal(value: int, unit: int) -> str:
    whole, fraction = divmod(value, unit)
    if not fraction:
        return str(whole)
    digits = str(fraction).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"
