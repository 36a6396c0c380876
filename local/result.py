"""What a local run reports: statuses, durations, results, where the logs are."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional


@dataclass
class TaskRecord:
    name: str
    status: str = "Pending"  # Pending | Running | Succeeded | Failed | Skipped | Cancelled
    reason: str = ""
    message: str = ""
    display_name: Optional[str] = None
    started: Optional[float] = None
    finished: Optional[float] = None
    retries: int = 0
    results: dict[str, Any] = field(default_factory=dict)
    taskruns: list[str] = field(default_factory=list)  # TaskRun names (several for a matrix)
    is_finally: bool = False

    @property
    def duration_s(self) -> Optional[float]:
        if self.started is None or self.finished is None:
            return None
        return round(self.finished - self.started, 3)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["duration_s"] = self.duration_s
        return out


@dataclass
class RunResult:
    name: str
    status: str  # Succeeded | Failed | Cancelled
    reason: str
    message: str
    tasks: dict[str, TaskRecord]
    outputs: dict[str, Any]  # the PipelineRun's results
    run_dir: Path
    duration_s: float
    tracking_run_id: Optional[str] = None  # the pipeline's MLflow run when tracking reached MLflow

    @property
    def succeeded(self) -> bool:
        return self.status == "Succeeded"

    def summary(self) -> dict[str, Any]:
        """The `--output json` object."""
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "duration_s": round(self.duration_s, 3),
            "tasks": {n: {"status": t.status, "reason": t.reason, "message": t.message, "duration_s": t.duration_s}
                      for n, t in self.tasks.items()},
            "outputs": self.outputs,
            "run_dir": str(self.run_dir),
            "tracking_run_id": self.tracking_run_id,
        }

    def to_json(self) -> str:
        return json.dumps(self.summary(), sort_keys=True)

    def log(self, task: str) -> str:
        """All logs of a task's TaskRuns, step by step."""
        parts = []
        for taskrun in self.tasks[task].taskruns:
            directory = self.run_dir / "tasks" / taskrun
            for log in sorted(directory.glob("*.log"), key=lambda p: p.stat().st_mtime):
                parts.append(f"--- {taskrun}/{log.stem}\n{log.read_text(errors='replace')}")
        return "\n".join(parts)
