"""Write what a command produces to the file or stream the user named: whole, or not at all."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

from tekflow.errors import TekflowError


def write_file(path: Path, text: str) -> None:
    """`text` into `path`, replacing it only once all of it is written (a temporary file beside it,
    then a rename), so a full disk or a failure leaves no half-written file behind."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise _cannot_write(path, e) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise TekflowError(f"{path}: is a directory; give the path of a file to write")
    if mode is not None and not stat.S_ISREG(mode):
        # a device, pipe or socket (/dev/stdout, /dev/null): nothing can be renamed onto it, and it
        # must stay what it is, so it gets the text directly
        _write_in_place(path, text)
        return
    directory = path.parent
    try:
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name[:80]}.", suffix=".tmp")
    except OSError as e:
        raise _cannot_write(path, e) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(temporary, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _cannot_write(path, e) from None


def write_stdout(text: str) -> None:
    """`text` on standard output; a stream that cannot take it (`> /dev/full`) is one error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as e:
        # what is still buffered must not fail again at exit, after the error was reported
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise TekflowError(f"cannot write to standard output: {e.strerror or e}") from None


def _write_in_place(path: Path, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise _cannot_write(path, e) from None


def _cannot_write(path: Path, error: OSError) -> TekflowError:
    return TekflowError(f"{path}: {error.strerror or error}")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
