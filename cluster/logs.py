"""Step logs of a run's TaskRuns: each step is the container `step-<name>` of the TaskRun's pod."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, TextIO

from .client import Cluster
from .errors import ClusterError, Rejected, RunNotFound
from .model import RunState, TaskRunState
from .watch import snapshot

POLL_S = 1.0


@dataclass
class StepLog:
    task: str
    taskrun: str
    step: str
    text: Optional[str]  # None when there is no log to read
    note: str = ""  # why not: not started, pod deleted…

    def header(self, label: str) -> str:
        return f"--- {label}/{self.step}" + (f" ({self.note})" if self.note else "")


def label_of(run: str, taskrun: TaskRunState) -> str:
    """`train`, or `train-3` for one of a matrix's TaskRuns: the TaskRun's name after the run's."""
    prefix = f"{run}-"
    return taskrun.name[len(prefix):] if taskrun.name.startswith(prefix) else taskrun.name


def read_step(cluster: Cluster, namespace: str, taskrun: TaskRunState, step: str,
              tail_lines: Optional[int] = None) -> tuple[Optional[str], str]:
    """(log text, note): the text is None when the container has no log to give."""
    if not taskrun.pod:
        return None, "no pod"
    try:
        return cluster.read_log(taskrun.pod, f"step-{step}", namespace, tail_lines=tail_lines), ""
    except Rejected as e:  # 400: the container has not started (or the pod has no node yet)
        return None, "not started" if "waiting" in str(e) or "ContainerCreating" in str(e) else str(e)
    except RunNotFound:
        return None, "pod deleted"


def selected(state: RunState, task: Optional[str]) -> list[TaskRunState]:
    """The TaskRuns of `task` (all tasks when None) in the order they started."""
    if task is not None and task not in state.tasks:
        raise ClusterError(f"run {state.name} has no task {task!r} (tasks: {', '.join(state.tasks) or 'none yet'})")
    runs = [tr for name, t in state.tasks.items() if task in (None, name) for tr in t.taskruns]
    return sorted(runs, key=lambda tr: (tr.started is None, tr.started.timestamp() if tr.started else 0, tr.name))


def run_logs(cluster: Cluster, state: RunState, task: Optional[str] = None) -> Iterator[tuple[str, StepLog]]:
    """Each step's whole log so far, as (header label, StepLog)."""
    for taskrun in selected(state, task):
        for step in taskrun.steps:
            text, note = read_step(cluster, state.namespace, taskrun, step.name)
            yield label_of(state.name, taskrun), StepLog(taskrun.task, taskrun.name, step.name, text, note)


def print_logs(cluster: Cluster, state: RunState, out: TextIO, task: Optional[str] = None) -> int:
    """Write every step's log under a `--- task/step` header; the number of steps written."""
    count = 0
    for label, log in run_logs(cluster, state, task):
        out.write(log.header(label) + "\n")
        if log.text:
            out.write(log.text if log.text.endswith("\n") else log.text + "\n")
        out.flush()
        count += 1
    return count


def follow_logs(cluster: Cluster, name: str, namespace: str, out: TextIO, task: Optional[str] = None,
                sleep: Callable[[float], None] = time.sleep) -> RunState:
    """Stream each step's log as it is written, TaskRun after TaskRun in the order they start,
    until the run is done and every step that ran was shown."""
    shown: set[tuple[str, str]] = set()  # (taskrun, step) written
    while True:
        state = snapshot(cluster, name, namespace)
        if task is not None and state.tasks and task not in state.tasks:
            selected(state, task)  # raises: no such task
        progressed = False
        for taskrun in selected(state, task) if task is None or task in state.tasks else []:
            for step in taskrun.steps:
                key = (taskrun.name, step.name)
                if key in shown:
                    continue
                if step.state == "Waiting":
                    if taskrun.status in ("Pending", "Running"):
                        break  # not started yet; nor are the TaskRun's later steps
                    shown.add(key)  # the TaskRun ended before this step ran
                    continue
                out.write(f"--- {label_of(name, taskrun)}/{step.name}\n")
                out.flush()
                _stream_step(cluster, namespace, taskrun, step.name, out)
                shown.add(key)
                progressed = True
        if state.done:  # everything that ran was streamed above, from a snapshot taken after the end
            return state
        if not progressed:
            sleep(POLL_S)


def _stream_step(cluster: Cluster, namespace: str, taskrun: TaskRunState, step: str, out: TextIO) -> None:
    if not taskrun.pod:
        out.write("(no pod)\n")
        return
    last = ""
    try:
        for chunk in cluster.stream_log(taskrun.pod, f"step-{step}", namespace):
            text = chunk.decode("utf-8", "replace") if isinstance(chunk, bytes) else chunk
            out.write(text)
            out.flush()
            last = text or last
    except Rejected as e:
        out.write(f"(no log: {e})\n")
    except RunNotFound:
        out.write("(no log: pod deleted)\n")
    if last and not last.endswith("\n"):
        out.write("\n")


def failed_step_tail(cluster: Cluster, namespace: str, taskrun: TaskRunState, lines: int = 40) -> tuple[str, str]:
    """(step name, last `lines` of its log) of the TaskRun's first failed step; ('', '') when none."""
    step = taskrun.failed_step
    if step is None:
        return "", ""
    text, note = read_step(cluster, namespace, taskrun, step.name, tail_lines=lines)
    return step.name, text if text is not None else f"(no log: {note})"
