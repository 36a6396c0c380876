"""Run the installed `tekflow` console script as a user would, and check its answer to bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

TEKFLOW = shutil.which("tekflow") or str(Path(sys.executable).parent / "tekflow")


def tekflow(*args, cwd: Optional[Path] = None, env: Optional[dict] = None, timeout: float = 300,
            stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    """`tekflow ARGS…` as a separate process (the console script pip installed), text output captured."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run([TEKFLOW, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=environment,
                          timeout=timeout, input=stdin, errors="replace")


def assert_user_error(proc: subprocess.CompletedProcess, *needles: str) -> str:
    """Exit 2, no traceback, and exactly one `error:` line on stderr naming each needle; returns it."""
    assert proc.returncode == 2, f"exit {proc.returncode}\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    assert "internal error" not in errors[0], errors[0]
    for needle in needles:
        assert needle in errors[0], f"{needle!r} not in {errors[0]!r}"
    return errors[0]
