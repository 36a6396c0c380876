"""Credentials never leave the process in text: one mask for every message, JSON output, log line
and warning tekflow prints (`install()` puts it on stdout, stderr and log records), and for the
URIs it stores.

Two kinds of secret are masked: the user info of a URI (`http://user:PASSWORD@host` becomes
`http://user:***@host`; a lone user name, often a token, becomes `***`), and the value of any
environment variable whose name says it is a secret (TOKEN, PASSWORD, SECRET, KEY, CREDENTIAL).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import Mapping, Optional

MASK = "***"
SECRET_NAME_PARTS = ("TOKEN", "PASSWORD", "SECRET", "KEY", "CREDENTIAL")
MIN_SECRET_LENGTH = 8  # shorter values ("1", "true") are too common to mask in text

# scheme://USERINFO@ : the user info runs to the last "@" before the path; it never holds a
# quote, a space or a path character, so a URI inside a sentence or a JSON string is found whole.
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^\s/?#\"'<>@]*(?:@[^\s/?#\"'<>@]*)*)@")


def is_secret_name(name: str) -> bool:
    """An environment variable that holds a secret, judging by its name."""
    upper = name.upper()
    return any(part in upper for part in SECRET_NAME_PARTS)


def without_credentials(uri: str) -> str:
    """`uri` without its `user:password@`: for what is stored (spool, tags), where even a masked
    user name has no use. Never raises, even on a malformed URI."""
    return _USERINFO.sub(lambda m: m.group("scheme"), uri, count=1)


def _masked_userinfo(match: re.Match) -> str:
    user, colon, _ = match.group("userinfo").partition(":")
    return f"{match.group('scheme')}{user}:{MASK}@" if colon else f"{match.group('scheme')}{MASK}@"


def secret_values(environ: Optional[Mapping[str, str]] = None) -> list[str]:
    """Values of the environment's secret variables, longest first (so a value holding another is
    masked whole)."""
    environ = os.environ if environ is None else environ
    values = {v for k, v in environ.items() if is_secret_name(k) and len(v) >= MIN_SECRET_LENGTH}
    return sorted(values, key=len, reverse=True)


def redact(text: str) -> str:
    """`text` with every URI's credentials and every secret environment value masked."""
    if not text:
        return text
    text = _USERINFO.sub(_masked_userinfo, text)
    for value in secret_values():
        if value in text:
            text = text.replace(value, MASK)
    return text


class _MaskedRecords:
    """A log record factory: every record, from tekflow or a library (mlflow, urllib3, sqlalchemy),
    is masked when it is made, before any handler formats it."""

    def __init__(self, factory) -> None:
        self.factory = factory

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self.factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: the handler reports it as it would
            return record
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # a handler would print the exception's own text, so format and mask it here
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record


class MaskedStream:
    """A text stream that masks what is written to it (the process's stdout and stderr: click's
    echo, rich's tables, log handlers, warnings and tracebacks all write there). A secret cut
    across two writes would pass; every writer here writes a message in one call."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # what the stream would refuse (click probes it with b"")
            return self._stream.write(text)
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def install() -> None:
    """Mask everything this process prints from now on: stdout, stderr and every log record
    (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _MaskedRecords):
        logging.setLogRecordFactory(_MaskedRecords(factory))
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, MaskedStream):
            setattr(sys, name, MaskedStream(stream))
