"""Events that could not reach MLflow, kept in order per pipeline run (JSON lines, fsync'd)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, run_uid: str) -> Path:
        return self.directory / f"{run_uid}.jsonl"

    def has(self, run_uid: str) -> bool:
        return self.path(run_uid).exists()

    def append(self, run_uid: str, kind: str, payload: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"kind": kind, "payload": payload}, sort_keys=True)
        with open(self.path(run_uid), "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def runs(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob("*.jsonl"))

    def events(self, run_uid: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
        with open(self.path(run_uid), encoding="utf-8") as f:
            for number, line in enumerate(f):
                if line.strip():
                    entry = json.loads(line)
                    yield number, entry["kind"], entry["payload"]

    def done(self, run_uid: str) -> None:
        self.path(run_uid).unlink(missing_ok=True)
