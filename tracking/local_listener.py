"""Feed a local run's progress to tracking hooks: the pipeline run, each task's start, then each
task (each loop iteration) from the files its launcher steps left in the run directory."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Optional

from tekflow.compiler import tekton
from tekflow.runtime import stores
from tekflow.runtime.launch import Launch
from tekflow.runtime.spec import SpecError, decode_spec

from .events import RunInfo, TaskEvent
from .hooks import Hook
from .task_events import task_event


def launch_spec(task: tekton.PipelineTask) -> Optional[dict[str, Any]]:
    for step in task.task_spec.steps if task.task_spec else []:
        if step.name == "prepare" and "--spec" in step.args:
            try:
                return decode_spec(step.args[step.args.index("--spec") + 1])
            except SpecError:
                return None
    return None


class TrackingListener:
    """An `on_event` callback for tekflow.local that turns executor events into hook calls."""

    def __init__(self, run: tekton.PipelineRun, info: RunInfo, hooks: Hook, run_dir: Path) -> None:
        self.run = run
        self.info = info
        self.hooks = hooks
        self.run_dir = run_dir
        self.tasks = {t.name: t for t in [*run.spec.pipeline_spec.tasks, *run.spec.pipeline_spec.finally_]}
        self.execution = None  # set by the caller, for task records
        annotations = run.metadata.annotations or {}
        self.root = annotations.get("tekflow.dev/pipeline-root", "").replace(
            "$(workspaces.tekflow-artifacts.path)", str(run_dir / "workspaces" / "tekflow-artifacts"))

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind == "run_started":
            self.info.started = time.time()
            self.hooks.pipeline_started(self.info)
        elif kind == "task_started":
            self.hooks.task_started(self.info, self.started_event(event["task"]))
        elif kind == "task_finished":
            for task_event_ in self.task_events(event["task"], event["status"]):
                self.hooks.task_finished(self.info, task_event_)

    def finished(self, status: str) -> None:
        self.info.status = status
        self.info.finished = time.time()
        self.hooks.pipeline_finished(self.info)
        self.hooks.close()

    def started_event(self, name: str) -> TaskEvent:
        """What is known when a task's first TaskRun starts (its inputs are resolved later, by
        prepare): one event per task, loop iterations included."""
        record = self.execution.records[name] if self.execution else None
        spec = launch_spec(self.tasks[name]) or {}
        container = spec.get("container", {})
        return TaskEvent(run_uid=self.info.run_uid, task=name, kfp_task=spec.get("kfp_task", ""), status="Running",
                         started=record.started if record and record.started else time.time(),
                         image=container.get("image", ""), resources=container.get("resources") or {})

    def task_events(self, name: str, status: str) -> list[TaskEvent]:
        record = self.execution.records[name] if self.execution else None
        started = record.started if record else None
        finished = record.finished if record else time.time()
        retries = record.retries if record else 0
        task = self.tasks[name]
        spec = launch_spec(task)
        if spec is None or not self.root:  # not a tekflow task: what Tekton knows
            return [TaskEvent(run_uid=self.info.run_uid, task=name, status=status, started=started,
                              finished=finished, outputs=dict(record.results) if record else {},
                              retry_count=retries)]
        if status == "Skipped" and record and not record.taskruns:
            return [TaskEvent(run_uid=self.info.run_uid, task=name, kfp_task=spec.get("kfp_task", ""),
                              status="Skipped", started=started, finished=finished)]
        launch = Launch(spec, self.root, self.info.run_name)
        events = []
        for state in self._states(record):
            coord = state.get("coord") or []
            coord_name = ".".join(str(i) for i in coord)
            manifest = launch.read_manifest(spec["task"], coord_name)
            resolver = launch.resolver(coord, state.get("items") or [])
            events.append(task_event(spec, self.info.run_uid, state, manifest, resolver, status, started, finished,
                                     retries))
        return events or [TaskEvent(run_uid=self.info.run_uid, task=name, kfp_task=spec.get("kfp_task", ""),
                                    status=status, started=started, finished=finished, retry_count=retries)]

    def _states(self, record) -> list[dict[str, Any]]:
        """The state prepare left for each iteration, from the last attempt of each TaskRun."""
        if record is None:
            return []
        latest: dict[str, Path] = {}
        for taskrun in record.taskruns:
            base = taskrun.split("-retry")[0]
            latest[base] = self.run_dir / "tasks" / taskrun / "workspaces" / "tekflow-io"
        states = []
        for io in latest.values():
            files = [io / "launch.json"] if (io / "launch.json").exists() else sorted(
                io.glob("batch/*/launch.json"), key=lambda p: int(p.parent.name))
            states += [json.loads(f.read_text()) for f in files]
        return sorted(states, key=lambda s: s.get("coord") or [])
