"""Events that could not reach MLflow, kept in order per pipeline run (JSON lines, fsync'd).

Each line names the tracking URI the event was meant for (without credentials), so that a
later `tekflow tracking sync` delivers it there."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any, Iterator, Optional

# credentials come from the environment, never from a file: spooled URIs are stored without them
from tekflow.redact import without_credentials  # noqa: F401  (re-exported)

SPOOL_DIR = "tracking-spool"  # inside a run directory


def replay_command(directory: Path) -> str:
    """The exact command that replays the spool in `directory`, from any working directory."""
    return f"tekflow tracking sync --spool-dir {shlex.quote(str(Path(directory).absolute()))}"


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, run_uid: str) -> Path:
        return self.directory / f"{run_uid}.jsonl"

    def has(self, run_uid: str) -> bool:
        return self.path(run_uid).exists()

    def append(self, run_uid: str, kind: str, payload: dict[str, Any], tracking_uri: Optional[str] = None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        entry: dict[str, Any] = {"kind": kind, "payload": payload}
        if tracking_uri:
            entry["tracking_uri"] = without_credentials(tracking_uri)
        line = json.dumps(entry, sort_keys=True)
        with open(self.path(run_uid), "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def runs(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob("*.jsonl"))

    def events(self, run_uid: str) -> Iterator[tuple[int, str, dict[str, Any], Optional[str]]]:
        """(line number, kind, payload, the tracking URI it was meant for or None)."""
        with open(self.path(run_uid), encoding="utf-8") as f:
            for number, line in enumerate(f):
                if line.strip():
                    entry = json.loads(line)
                    yield number, entry["kind"], entry["payload"], entry.get("tracking_uri")

    def done(self, run_uid: str) -> None:
        self.path(run_uid).unlink(missing_ok=True)
