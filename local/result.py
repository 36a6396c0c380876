"""What a local run reports: statuses, durations, results, where the logs are."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional


@dataclass
class ChildRun:
    """One TaskRun of a PipelineTask (a matrix has several), after its last attempt."""

    name: str  # the TaskRun's name: <pipelinerun>-<task>[-<index>]
    directory: str  # under RUN_DIR/tasks: <task>[-<index>]
    params: dict[str, Any] = field(default_factory=dict)
    status: str = "Pending"  # Running | Succeeded | Failed | Cancelled
    reason: str = ""
    message: str = ""
    retries: int = 0  # attempts after the first
    results: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)  # step -> exit code
    logs: dict[str, str] = field(default_factory=dict)  # step -> log file
    started: Optional[float] = None
    finished: Optional[float] = None


@dataclass
class TaskRecord:
    """A PipelineTask's outcome (Tekton: its TaskRuns, or why it was skipped)."""

    name: str
    status: str = "Pending"  # Pending | Running | Succeeded | Failed | Skipped | Cancelled
    reason: str = ""  # the TaskRun's reason (Failed, TaskRunTimeout, …) or Tekton's skipping reason
    message: str = ""
    display_name: Optional[str] = None
    started: Optional[float] = None
    finished: Optional[float] = None
    retries: int = 0
    results: dict[str, Any] = field(default_factory=dict)  # a matrix: each result an array of its runs' values
    taskruns: list[str] = field(default_factory=list)  # directories under RUN_DIR/tasks, one per TaskRun
    is_finally: bool = False
    skip_reason: str = ""  # Tekton's SkippingReason when Skipped
    children: list[ChildRun] = field(default_factory=list)

    @property
    def duration_s(self) -> Optional[float]:
        if self.started is None or self.finished is None:
            return None
        return round(self.finished - self.started, 3)

    @property
    def logs(self) -> dict[str, str]:
        """step -> log file of the (single) TaskRun; `<index>/<step>` for a matrix."""
        if len(self.children) == 1:
            return dict(self.children[0].logs)
        return {f"{i}/{step}": path for i, child in enumerate(self.children) for step, path in child.logs.items()}

    def to_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies every value, and status.json is written often
        out = {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "children"}
        out["children"] = [dict(vars(child)) for child in self.children]
        out["duration_s"] = self.duration_s
        return out


TaskResult = TaskRecord  # the name the API documents


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
    provenance: Optional[Path] = None  # the run's in-toto Statement (SLSA provenance), when it made artifacts

    @property
    def succeeded(self) -> bool:
        return self.status == "Succeeded"

    @property
    def results(self) -> dict[str, Any]:
        """The pipeline's results (Tekton's PipelineRun `status.results`)."""
        return self.outputs

    def summary(self) -> dict[str, Any]:
        """The `--output json` object."""
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "duration_s": round(self.duration_s, 3),
            "tasks": {n: {"status": t.status, "reason": t.reason, "message": t.message, "duration_s": t.duration_s,
                          "retries": t.retries, "results": t.results,
                          "taskruns": [{"name": c.name, "status": c.status, "reason": c.reason, "params": c.params,
                                        "retries": c.retries, "results": c.results, "logs": c.logs}
                                       for c in t.children]}
                      for n, t in self.tasks.items()},
            "outputs": self.outputs,
            "run_dir": str(self.run_dir),
            "tracking_run_id": self.tracking_run_id,
            "provenance": str(self.provenance) if self.provenance else None,
        }

    def to_json(self) -> str:
        return json.dumps(self.summary(), sort_keys=True)

    def log(self, task: str) -> str:
        """All logs of a task's TaskRuns, step by step (earlier attempts first)."""
        parts = []
        for child in self.tasks[task].children:
            directory = self.run_dir / "tasks" / child.directory
            logs = sorted(directory.glob("retries/*/*.log"), key=lambda p: (int(p.parent.name), p.stat().st_mtime))
            logs += sorted(directory.glob("*.log"), key=lambda p: p.stat().st_mtime)
            for log in logs:
                parts.append(f"--- {log.relative_to(self.run_dir / 'tasks')}\n{log.read_text(errors='replace')}")
        return "\n".join(parts)
