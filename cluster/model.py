"""A PipelineRun and its TaskRuns, read from the API's objects into typed results.

The statuses are those of `tekflow run` (tekflow.local.result): Pending, Running, Succeeded,
Failed, Skipped, Cancelled; `exit_code` maps a run's `Succeeded` condition to the CLI's exit code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional

from tekflow.runtime.values import skipped_by_condition

SUCCEEDED, FAILED, CANCELLED, RUNNING, PENDING, SKIPPED = \
    "Succeeded", "Failed", "Cancelled", "Running", "Pending", "Skipped"

# Exit codes of `tekflow submit --wait` / `tekflow wait`.
EXIT_SUCCEEDED, EXIT_FAILED, EXIT_ERROR, EXIT_TIMEOUT_OR_CANCELLED = 0, 1, 2, 3

# PipelineRun reasons for a run Tekton refused to start: the run (or its refs) is wrong, no
# task ran. `submit --wait` reports them like an API rejection: one error line, exit 2.
REJECTED_REASONS = frozenset({
    "CouldntGetPipeline", "InvalidPipelineResourceBindings", "InvalidWorkspaceBindings", "InvalidTaskRunSpecs",
    "ParameterTypeMismatch", "ObjectParameterMissKeys", "ParamArrayIndexingInvalid", "CouldntGetTask",
    "ParameterMissing", "PipelineValidationFailed", "PipelineInvalidGraph", "InvalidMatrixParameterTypes",
    "InvalidTaskResultReference", "RequiredWorkspaceMarkedOptional", "ResourceVerificationFailed",
    "CELEvaluationFailed", "InvalidParamValue", "InvalidPipelineResultReference",
})

_PENDING_TASKRUN_REASONS = frozenset({"Pending", "TaskRunPending", "ExceededNodeResources",
                                      "ExceededResourceQuota", "PodCreationFailed"})


def parse_time(text: Optional[str]) -> Optional[datetime]:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _seconds(start: Optional[datetime], end: Optional[datetime]) -> Optional[float]:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


def succeeded_condition(obj: dict[str, Any]) -> Optional[dict[str, Any]]:
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Succeeded":
            return condition
    return None


def _status_word(condition: Optional[dict[str, Any]], cancelled_reason: str, pending: bool) -> str:
    """Succeeded/Failed/Cancelled from a finished Succeeded condition; else Pending or Running."""
    if condition is None:
        return PENDING
    state, reason = condition.get("status"), condition.get("reason", "")
    if state == "True":
        return SUCCEEDED
    if state == "False":
        return CANCELLED if reason == cancelled_reason else FAILED
    return PENDING if pending else RUNNING


def run_status(condition: Optional[dict[str, Any]], spec_status: Optional[str] = None) -> str:
    """A PipelineRun's status word from its Succeeded condition."""
    reason = (condition or {}).get("reason", "")
    return _status_word(condition, "Cancelled", "PipelineRunPending" in (reason, spec_status))


def is_rejected(condition: Optional[dict[str, Any]]) -> bool:
    """Tekton refused to start the run (its message says why)."""
    if not condition or condition.get("status") != "False":
        return False
    return condition.get("reason") in REJECTED_REASONS or str(condition.get("message", "")).startswith("[User error]")


def exit_code(condition: Optional[dict[str, Any]]) -> Optional[int]:
    """0 succeeded, 1 failed (Tekton's own timeouts included), 2 rejected, 3 cancelled; None while running."""
    if condition is None or condition.get("status") not in ("True", "False"):
        return None
    if condition["status"] == "True":
        return EXIT_SUCCEEDED
    if condition.get("reason") == "Cancelled":
        return EXIT_TIMEOUT_OR_CANCELLED
    if is_rejected(condition):
        return EXIT_ERROR
    return EXIT_FAILED


def taskrun_status(condition: Optional[dict[str, Any]]) -> str:
    reason = (condition or {}).get("reason", "")
    return _status_word(condition, "TaskRunCancelled", reason in _PENDING_TASKRUN_REASONS)


@dataclass
class StepState:
    name: str  # the step's name in the Task (prepare, main, publish)
    container: str  # step-<name>
    state: str  # Waiting | Running | Terminated
    exit_code: Optional[int] = None
    reason: str = ""
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.state == "Terminated" and self.exit_code not in (None, 0)


@dataclass
class TaskRunState:
    name: str
    task: str  # the PipelineTask
    status: str
    reason: str = ""
    message: str = ""
    pod: Optional[str] = None
    started: Optional[datetime] = None
    finished: Optional[datetime] = None
    retries: int = 0  # attempts before this one
    steps: list[StepState] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    is_finally: bool = False

    @property
    def duration_s(self) -> Optional[float]:
        return _seconds(self.started, self.finished)

    @property
    def failed_step(self) -> Optional[StepState]:
        return next((s for s in self.steps if s.failed), None)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "reason": self.reason, "message": self.message,
                "pod": self.pod, "retries": self.retries, "duration_s": self.duration_s, "results": self.results,
                "steps": [{"name": s.name, "container": s.container, "state": s.state, "exit_code": s.exit_code,
                           "reason": s.reason} for s in self.steps]}


@dataclass
class TaskState:
    """A PipelineTask: its TaskRuns (a matrix has several), or why Tekton skipped it."""

    name: str
    status: str = PENDING
    reason: str = ""
    message: str = ""
    is_finally: bool = False
    taskruns: list[TaskRunState] = field(default_factory=list)

    @property
    def started(self) -> Optional[datetime]:
        times = [t.started for t in self.taskruns if t.started]
        return min(times) if times else None

    @property
    def finished(self) -> Optional[datetime]:
        if self.status in (PENDING, RUNNING) or not self.taskruns:
            return None
        times = [t.finished for t in self.taskruns if t.finished]
        return max(times) if len(times) == len(self.taskruns) else None

    @property
    def duration_s(self) -> Optional[float]:
        return _seconds(self.started, self.finished)

    @property
    def retries(self) -> int:
        return sum(t.retries for t in self.taskruns)

    @property
    def done(self) -> bool:
        return self.status in (SUCCEEDED, FAILED, CANCELLED, SKIPPED)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "message": self.message,
                "duration_s": self.duration_s, "retries": self.retries, "finally": self.is_finally,
                "taskruns": [t.to_dict() for t in self.taskruns]}


@dataclass
class RunState:
    """A PipelineRun as the API last showed it."""

    name: str
    namespace: str
    status: str
    reason: str = ""
    message: str = ""
    pipeline: str = ""
    uid: str = ""
    spec_status: Optional[str] = None  # Cancelled, CancelledRunFinally… when a cancel was asked
    labels: dict[str, str] = field(default_factory=dict)
    created: Optional[datetime] = None
    started: Optional[datetime] = None
    finished: Optional[datetime] = None
    tasks: dict[str, TaskState] = field(default_factory=dict)  # pipeline order, finally tasks last
    results: dict[str, Any] = field(default_factory=dict)  # status.results as Tekton holds them
    outputs: dict[str, Any] = field(default_factory=dict)  # typed by the KFP pipeline when it is tekflow's
    condition: Optional[dict[str, Any]] = None

    @property
    def done(self) -> bool:
        return self.exit_code is not None

    @property
    def exit_code(self) -> Optional[int]:
        return exit_code(self.condition)

    @property
    def rejected(self) -> bool:
        return is_rejected(self.condition)

    @property
    def duration_s(self) -> Optional[float]:
        return _seconds(self.started, self.finished)

    def summary(self) -> dict[str, Any]:
        """The `--output json` object."""
        return {
            "name": self.name, "namespace": self.namespace, "uid": self.uid, "pipeline": self.pipeline,
            "status": self.status, "reason": self.reason, "message": self.message,
            "done": self.done, "exit_code": self.exit_code,
            "created": _iso(self.created), "started": _iso(self.started), "finished": _iso(self.finished),
            "duration_s": self.duration_s, "labels": self.labels,
            "tasks": {n: t.to_dict() for n, t in self.tasks.items()},
            "results": self.results, "outputs": self.outputs,
        }

    def to_json(self) -> str:
        return json.dumps(self.summary(), sort_keys=True)


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _step_state(step: dict[str, Any]) -> StepState:
    name = step.get("name", "")
    container = step.get("container") or f"step-{name}"
    if "terminated" in step and step["terminated"] is not None:
        term = step["terminated"]
        return StepState(name, container, "Terminated", term.get("exitCode"),
                         term.get("reason", ""), _step_message(term.get("message", "")))
    if step.get("running") is not None and "running" in step:
        return StepState(name, container, "Running")
    waiting = step.get("waiting") or {}
    return StepState(name, container, "Waiting", reason=waiting.get("reason", ""), message=waiting.get("message", ""))


def _step_message(message: str) -> str:
    """A terminated step's message is Tekton's JSON of results and markers: keep it for plain text only."""
    return "" if message.strip().startswith("[") else message


def _result_value(result: dict[str, Any]) -> Any:
    return result.get("value")


def taskrun_state(taskrun: dict[str, Any]) -> TaskRunState:
    meta, status = taskrun.get("metadata") or {}, taskrun.get("status") or {}
    labels = meta.get("labels") or {}
    condition = succeeded_condition(taskrun)
    return TaskRunState(
        name=meta.get("name", ""),
        task=labels.get("tekton.dev/pipelineTask", meta.get("name", "")),
        status=taskrun_status(condition),
        reason=(condition or {}).get("reason", ""),
        message=(condition or {}).get("message", ""),
        pod=status.get("podName") or None,
        started=parse_time(status.get("startTime")),
        finished=parse_time(status.get("completionTime")),
        retries=len(status.get("retriesStatus") or []),
        steps=[_step_state(s) for s in status.get("steps") or []],
        results={r.get("name"): _result_value(r) for r in status.get("results") or []},
        is_finally=labels.get("tekton.dev/memberOf") == "finally",
    )


def _aggregate(runs: list[TaskRunState]) -> tuple[str, str, str]:
    """A PipelineTask's status, reason and message from its TaskRuns."""
    for wanted in (FAILED, CANCELLED, RUNNING, PENDING):
        hit = next((r for r in runs if r.status == wanted), None)
        if hit is not None:
            if wanted == PENDING and any(r.status == SUCCEEDED for r in runs):
                return RUNNING, "Running", hit.message
            return wanted, hit.reason, hit.message
    first = runs[0]
    condition = skipped_by_condition([r.results for r in runs])
    if condition:  # its launcher skipped main: Tekton shows the TaskRun as Succeeded
        return SKIPPED, "ConditionFalse", f"condition {condition!r} is false"
    return SUCCEEDED, first.reason, first.message


def _pipeline_spec(pipelinerun: dict[str, Any]) -> dict[str, Any]:
    return (pipelinerun.get("status") or {}).get("pipelineSpec") or \
        (pipelinerun.get("spec") or {}).get("pipelineSpec") or {}


def run_state(pipelinerun: dict[str, Any], taskruns: list[dict[str, Any]]) -> RunState:
    """Read a PipelineRun object and its TaskRuns (label tekton.dev/pipelineRun) into a RunState."""
    meta, spec, status = pipelinerun.get("metadata") or {}, pipelinerun.get("spec") or {}, \
        pipelinerun.get("status") or {}
    labels = meta.get("labels") or {}
    annotations = meta.get("annotations") or {}
    condition = succeeded_condition(pipelinerun)
    pipeline_spec = _pipeline_spec(pipelinerun)
    tasks: dict[str, TaskState] = {}
    for t in pipeline_spec.get("tasks") or []:
        tasks[t["name"]] = TaskState(t["name"])
    for t in pipeline_spec.get("finally") or []:
        tasks[t["name"]] = TaskState(t["name"], is_finally=True)
    by_task: dict[str, list[TaskRunState]] = {}
    for taskrun in sorted(taskruns, key=lambda tr: (tr.get("metadata") or {}).get("name", "")):
        state = taskrun_state(taskrun)
        by_task.setdefault(state.task, []).append(state)
    for name, runs in by_task.items():
        task = tasks.setdefault(name, TaskState(name, is_finally=runs[0].is_finally))
        task.taskruns = runs
        task.status, task.reason, task.message = _aggregate(runs)
    for skipped in status.get("skippedTasks") or []:
        task = tasks.setdefault(skipped["name"], TaskState(skipped["name"]))
        if not task.taskruns:
            task.status, task.reason = SKIPPED, skipped.get("reason", "")
            task.message = _skip_message(skipped)
    results = {r.get("name"): r.get("value") for r in status.get("results") or []}
    return RunState(
        name=meta.get("name", ""),
        namespace=meta.get("namespace", ""),
        status=run_status(condition, spec.get("status")),
        reason=(condition or {}).get("reason", ""),
        message=(condition or {}).get("message", ""),
        pipeline=labels.get("tekflow.dev/pipeline") or annotations.get("tekflow.dev/pipeline-name")
        or (spec.get("pipelineRef") or {}).get("name", ""),
        uid=meta.get("uid", ""),
        spec_status=spec.get("status"),
        labels=dict(labels),
        created=parse_time(meta.get("creationTimestamp")),
        started=parse_time(status.get("startTime")),
        finished=parse_time(status.get("completionTime")),
        tasks=tasks,
        results=results,
        outputs=typed_outputs(annotations, results),
        condition=condition,
    )


def _skip_message(skipped: dict[str, Any]) -> str:
    reason = skipped.get("reason", "")
    whens = skipped.get("whenExpressions") or []
    if whens:
        shown = "; ".join(f"{w.get('input')} {w.get('operator')} {w.get('values')}" for w in whens)
        return f"{reason}: {shown}"
    return reason


def typed_outputs(annotations: dict[str, str], results: dict[str, Any]) -> dict[str, Any]:
    """Pipeline outputs typed as the KFP pipeline declares them (annotation of a tekflow-compiled run).

    A value too large for a Tekton result was spilled to the artifact store: it is left out here
    (the run's outputs manifest in the store holds it)."""
    declared = annotations.get("tekflow.dev/parameter-outputs")
    if not declared:
        return dict(results)
    from tekflow.runtime import values

    out: dict[str, Any] = {}
    try:
        where_by_name = json.loads(declared)
    except json.JSONDecodeError:
        return dict(results)
    for name, where in where_by_name.items():
        raw = results.get(name)
        if raw is None or raw == values.SPILLED:
            continue
        try:
            out[name] = values.decode(raw, where.get("type", "STRING"))
        except values.ValueError_:
            continue
    return out
