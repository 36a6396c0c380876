"""Follow a PipelineRun and its TaskRuns with watches, as progress events like `tekflow run`'s.

Two watch threads (the PipelineRun by name, its TaskRuns by the `tekton.dev/pipelineRun`
label) feed one queue; the caller's thread keeps the latest objects, turns each change into
events (`run_started`, `task_started`, `task_finished`, `run_finished`, `warning` — those
`tekflow.local.progress` prints) and stops when the run is done or the deadline passes.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .client import PIPELINE_RUN_LABEL, Cluster, WatchExpired
from .errors import ClusterError, Unreachable
from .model import FAILED, PENDING, RUNNING, SKIPPED, RunState, run_state

WATCH_SECONDS = 50  # each watch request; it is opened again from the last resourceVersion

Event = dict[str, Any]


@dataclass
class Outcome:
    state: RunState
    timed_out: bool  # our deadline passed first; the run goes on in the cluster


def snapshot(cluster: Cluster, name: str, namespace: str) -> RunState:
    """The run and its TaskRuns now (two API calls)."""
    run = cluster.get_pipelinerun(name, namespace)
    return run_state(run, cluster.list_taskruns(name, namespace))


class Follower:
    """Keeps the latest PipelineRun and TaskRuns of one run, fed by watches."""

    def __init__(self, cluster: Cluster, name: str, namespace: str,
                 on_event: Optional[Callable[[Event], None]] = None) -> None:
        self.cluster, self.name, self.namespace = cluster, name, namespace
        self.on_event = on_event
        self.pipelinerun: Optional[dict[str, Any]] = None
        self.taskruns: dict[str, dict[str, Any]] = {}
        self._queue: "queue.Queue[tuple[str, str, Any]]" = queue.Queue()
        self._stop = threading.Event()
        self._reported: dict[str, str] = {}  # task -> status last reported
        self._announced = False
        self._cancel_noted = False

    # -- watching ---------------------------------------------------------------------

    def _start(self) -> None:
        runs, run_version = self.cluster.list_with_version("pipelineruns", self.namespace,
                                                           field_selector=f"metadata.name={self.name}")
        if not runs:
            self.cluster.get_pipelinerun(self.name, self.namespace)  # raises: no such run, no namespace…
            raise ClusterError(f"no PipelineRun {self.name!r} in namespace {self.namespace!r}")
        self.pipelinerun = runs[0]
        taskruns, task_version = self.cluster.list_with_version("taskruns", self.namespace,
                                                                label_selector=f"{PIPELINE_RUN_LABEL}={self.name}")
        self.taskruns = {t["metadata"]["name"]: t for t in taskruns}
        for plural, version, selectors in (
                ("pipelineruns", run_version, {"field_selector": f"metadata.name={self.name}"}),
                ("taskruns", task_version, {"label_selector": f"{PIPELINE_RUN_LABEL}={self.name}"})):
            thread = threading.Thread(target=self._watch, args=(plural, version, selectors), daemon=True,
                                      name=f"tekflow-watch-{plural}")
            thread.start()

    def _watch(self, plural: str, version: str, selectors: dict[str, str]) -> None:
        failures = 0  # in a row: a dropped connection is opened again, a server gone for ~10s is an error
        while not self._stop.is_set():
            try:
                for event in self.cluster.watch_stream(plural, self.namespace, version, WATCH_SECONDS, **selectors):
                    failures = 0
                    obj = event.get("object") or {}
                    version = (obj.get("metadata") or {}).get("resourceVersion") or version
                    if event.get("type") in ("ADDED", "MODIFIED", "DELETED"):
                        self._queue.put((plural, event["type"], obj))
                    if self._stop.is_set():
                        return
            except WatchExpired:  # too old: list again, and hand over what the list shows
                try:
                    items, version = self.cluster.list_with_version(plural, self.namespace, **selectors)
                except ClusterError as e:
                    self._queue.put(("error", "", e))
                    return
                for item in items:
                    self._queue.put((plural, "MODIFIED", item))
            except (Unreachable, OSError) as e:
                failures += 1
                if failures >= 5:
                    self._queue.put(("error", "", e if isinstance(e, ClusterError) else ClusterError(str(e))))
                    return
                if self._stop.wait(2.0):
                    return
            except ClusterError as e:
                self._queue.put(("error", "", e))
                return

    def stop(self) -> None:
        self._stop.set()

    # -- following --------------------------------------------------------------------

    def state(self) -> RunState:
        assert self.pipelinerun is not None
        return run_state(self.pipelinerun, list(self.taskruns.values()))

    def follow(self, timeout_s: Optional[float] = None) -> Outcome:
        """Until the run is done or `timeout_s` passed; events go to `on_event` as they happen."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        self._start()
        try:
            state = self._changed()
            while not state.done:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return Outcome(state, True)
                try:
                    kind, event_type, obj = self._queue.get(timeout=min(remaining, 5.0) if remaining else 5.0)
                except queue.Empty:
                    continue
                self._apply(kind, event_type, obj)
                while not self._queue.empty():  # take every pending change before reporting
                    self._apply(*self._queue.get_nowait())
                state = self._changed()
            # the run's last change can come before the last TaskRun's on the other watch: read them once more
            self.taskruns = {t["metadata"]["name"]: t for t in self.cluster.list_taskruns(self.name, self.namespace)}
            state = self._changed(final=True)
            return Outcome(state, False)
        finally:
            self.stop()

    def _apply(self, kind: str, event_type: str, obj: Any) -> None:
        if kind == "error":
            raise obj
        if kind == "pipelineruns":
            if event_type == "DELETED":
                raise ClusterError(f"PipelineRun {self.name!r} was deleted while being followed")
            self.pipelinerun = obj
        elif kind == "taskruns":
            if event_type == "DELETED":
                self.taskruns.pop(obj["metadata"]["name"], None)
            else:
                self.taskruns[obj["metadata"]["name"]] = obj

    def _emit(self, event: Event) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def _changed(self, final: bool = False) -> RunState:
        state = self.state()
        if not self._announced and (state.tasks or final):
            self._announced = True
            self._emit({"type": "run_started", "run": state.name, "tasks": list(state.tasks)})
        if state.spec_status and not self._cancel_noted and not state.done:
            self._cancel_noted = True
            self._emit({"type": "warning", "message": f"run {state.name}: {state.spec_status} requested"})
        for name, task in state.tasks.items():
            before = self._reported.get(name, PENDING)
            if task.status == before:
                continue
            if task.status == RUNNING:
                self._emit({"type": "task_started", "task": name, "taskruns": max(1, len(task.taskruns))})
            elif task.done:
                if before == PENDING and task.status != SKIPPED and task.started is not None:
                    self._emit({"type": "task_started", "task": name, "taskruns": max(1, len(task.taskruns))})
                self._emit({"type": "task_finished", "task": name, "status": task.status,
                            "duration_s": task.duration_s, "reason": task.reason,
                            "message": task.message if task.status in (FAILED, SKIPPED) else ""})
            self._reported[name] = task.status
        if state.done and final:
            self._emit({"type": "run_finished", "run": state.name, "status": state.status})
        return state

