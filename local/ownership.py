"""Which process runs a run directory, and what becomes of a run whose process died.

status.json names its owner: the pid, the process's start time (so that a pid the system
gave to another process later is not taken for the owner) and the host. A run still
"Running" whose owner is gone (kill -9, out of memory, a crash) is marked Failed with the
reason ProcessKilled, its running tasks too, and its MLflow run is closed KILLED. This happens
when the next `tekflow run` uses the same run directory (which then starts the pipeline
afresh: nothing of the killed run is reused) and in `tekflow tracking sync`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import socket
import time
from pathlib import Path
from typing import Any, Optional

from tekflow.tracking.events import PROCESS_KILLED

STATUS_FILE = "status.json"

log = logging.getLogger("tekflow.local")


def _proc_stat(pid: int) -> Optional[tuple[str, int]]:
    """(state, start time in clock ticks after boot) from /proc, None when no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()  # the command name, in parentheses, may hold spaces
    return fields[0], int(fields[19])


@functools.lru_cache(maxsize=1)
def this_process() -> dict[str, Any]:
    """The owner record of this process, for status.json."""
    stat = _proc_stat(os.getpid())
    return {"pid": os.getpid(), "start_time": stat[1] if stat else None, "host": socket.gethostname()}


def is_alive(owner: dict[str, Any]) -> bool:
    """Whether the owner process still runs. A run on another host cannot be checked: alive."""
    if owner.get("host") != socket.gethostname():
        return True
    pid = owner.get("pid")
    if not isinstance(pid, int):
        return True
    if Path("/proc/self/stat").exists():
        stat = _proc_stat(pid)
        return stat is not None and stat[0] not in ("Z", "X") and stat[1] == owner.get("start_time")
    try:  # no /proc: the pid's existence is all there is to know
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap(run_dir: Path) -> Optional[dict[str, Any]]:
    """Mark the run in `run_dir` Failed (ProcessKilled) when it says Running and its owner is
    dead; returns the status written, or None when there was nothing to do."""
    path = Path(run_dir) / STATUS_FILE
    try:
        status = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    owner = status.get("owner")
    if status.get("status") != "Running" or not isinstance(owner, dict) or is_alive(owner):
        return None
    message = f"tekflow run (pid {owner.get('pid')}) ended before the run finished: it was killed or crashed"
    status.update(status="Failed", reason=PROCESS_KILLED, message=message)
    now = time.time()
    for task in (status.get("tasks") or {}).values():
        if task.get("status") == "Running":
            task.update(status="Failed", reason=PROCESS_KILLED, message=message, finished=now)
    temporary = path.with_name(f".{STATUS_FILE}.{os.getpid()}")
    temporary.write_text(json.dumps(status, default=str))
    os.replace(temporary, path)
    log.warning("%s: run %s marked Failed (%s): %s", run_dir, status.get("name"), PROCESS_KILLED, message)
    return status


def recover(run_dir: Path, tracking_uri: Optional[str] = None, deliver: bool = True) -> Optional[dict[str, Any]]:
    """Reap a killed run in `run_dir` and close its MLflow run: now, with `deliver` (through
    `tracking_uri` when it names the store the run used), else by a spooled event that
    `tekflow tracking sync` replays."""
    status = reap(run_dir)
    if status is not None:
        from tekflow.tracking.run_record import close_killed_run

        close_killed_run(Path(run_dir), tracking_uri, deliver)
    return status
