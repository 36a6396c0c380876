"""tekflow.local — run Tekton v1 PipelineRuns on this machine, each step a local process."""

from __future__ import annotations

from .api import RunInterrupted, run
from .result import ChildRun, RunResult, TaskRecord, TaskResult

__all__ = ["run", "RunInterrupted", "RunResult", "TaskResult", "TaskRecord", "ChildRun"]
