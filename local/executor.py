"""Execute a Tekton v1 PipelineRun on this machine with Tekton's semantics.

One coordinator thread decides what runs (runAfter and result references, `when`, matrix,
skipping, stopping on failure, finally, timeouts, cancellation); TaskRuns run on a pool of
`max_parallel` worker threads, each step a process (local/taskrun.py).
"""

from __future__ import annotations

import collections
import concurrent.futures as futures
import graphlib
import json
import os
import re
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union

from tekflow.compiler import tekton
from tekflow.errors import TekflowError

from . import ownership, skipping
from .gpus import GpuPool, requested
from .matrix import MAX_COMBINATIONS, fan_out
from .pipelinerun import PIPELINE_LABEL, TASK_LABEL
from .result import ChildRun, RunResult, TaskRecord
from .taskrun import TaskRunContext, TaskRunOutcome, parse_duration, run_taskrun
from .variables import Variables, references, result_refs

DEFAULT_PIPELINE_TIMEOUT = "1h"  # Tekton's default-timeout-minutes
DONE = ("Succeeded", "Failed", "Skipped", "Cancelled")
# Skips that do not skip the task's dependents: Tekton's `when` only (an empty matrix cascades).
NON_CASCADING_SKIPS = (skipping.WHEN,)

Event = dict[str, Any]
_ARRAY_INDEX = re.compile(r"^params\.([^.\[\]]+)\[([0-9]+)\]$")  # a variable name: params.a[N]


@dataclass
class Skip:
    reason: str  # a skipping.* value
    message: str


@dataclass
class Fail:
    reason: str
    message: str


class Execution:
    def __init__(self, run: tekton.PipelineRun, run_dir: Path, max_parallel: Optional[int] = None,
                 on_event: Optional[Callable[[Event], None]] = None, env: Optional[dict[str, str]] = None,
                 timeout: Optional[Union[float, str]] = None) -> None:
        self.run = run
        self.spec = run.spec.pipeline_spec
        # every path handed to a step derives from it, and steps run in their own working directories
        self.run_dir = Path(os.path.abspath(run_dir))
        self.name = run.metadata.name or (run.metadata.generate_name or "run-") + uuid.uuid4().hex[:5]
        self.namespace = run.metadata.namespace or "default"
        self.uid = str(uuid.uuid4())
        # an embedded pipelineSpec takes the PipelineRun's name, as in Tekton
        self.pipeline_name = (run.metadata.labels or {}).get(PIPELINE_LABEL) or self.name
        self.max_parallel = max(1, max_parallel or os.cpu_count() or 1)
        self.on_event = on_event or (lambda event: None)
        self.env = env or {}
        self.timeout = timeout
        self.cancel_event = threading.Event()
        self.tasks = {t.name: t for t in self.spec.tasks}
        self.finally_tasks = {t.name: t for t in self.spec.finally_}
        self.records = {n: TaskRecord(n, display_name=t.display_name) for n, t in self.tasks.items()}
        self.records.update({n: TaskRecord(n, display_name=t.display_name, is_finally=True)
                             for n, t in self.finally_tasks.items()})
        self.params = self._pipeline_params()
        self.parents = {n: self._parents(t) for n, t in self.tasks.items()}
        self._check_graph()
        self.lock = threading.Lock()
        self.reason = ""
        self.message = ""
        self.cancelled = False  # a cancel() before or during the tasks (finally still runs)
        self.stopping = False  # a task failed: no new task starts (Tekton's IsStopping)
        self.timed_out = ""  # which timeout was reached: pipeline | tasks | finally
        self.invalid = False  # failed Tekton's checks at the start of the run: nothing ran
        self.deadlines: dict[str, float] = {}
        self.gpus = GpuPool()

    # -- public -------------------------------------------------------------------------
    def cancel(self) -> None:
        """Kill running steps, skip what has not started; finally tasks still run (a second
        cancel() during them stops them too)."""
        self.cancel_event.set()

    def execute(self) -> RunResult:
        started = time.monotonic()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        timeouts = self.run.spec.timeouts or tekton.TimeoutFields()
        pipeline_timeout = self.timeout if self.timeout is not None else timeouts.pipeline or DEFAULT_PIPELINE_TIMEOUT
        self.deadlines["pipeline"] = started + _seconds(pipeline_timeout)
        self.deadlines["tasks"] = started + _seconds(timeouts.tasks) if timeouts.tasks else float("inf")
        self._emit({"type": "run_started", "run": self.name, "tasks": list(self.records)})
        self.write_status()
        invalid = self._array_indexes_out_of_range()
        if invalid:  # Tekton fails such a run before it creates any TaskRun
            self.reason, self.message = "ParamArrayIndexingInvalid", f"non-existent param references: {invalid}"
            self.invalid = True
        else:
            self._run_phase(finally_phase=False)
        if self.cancel_event.is_set():
            self.cancelled = True
        if self.finally_tasks and not self.invalid:
            self.cancel_event.clear()  # finally tasks run after a cancel too
            if timeouts.finally_:
                self.deadlines["finally"] = time.monotonic() + _seconds(timeouts.finally_)
            self._run_phase(finally_phase=True)
        status = self._status()
        result = RunResult(self.name, status, self.reason, self.message, self.records, self._pipeline_results(),
                           self.run_dir, time.monotonic() - started)
        self.write_status(final=result)
        self._emit({"type": "run_finished", "run": self.name, "status": status, "reason": result.reason})
        return result

    # -- the coordinator ----------------------------------------------------------------
    def _run_phase(self, finally_phase: bool) -> None:
        tasks = self.finally_tasks if finally_phase else self.tasks
        pending = list(tasks)
        queue: collections.deque[tuple[str, int]] = collections.deque()
        running: dict[futures.Future, tuple[str, int]] = {}
        outcomes: dict[str, list[Optional[TaskRunOutcome]]] = {}
        with futures.ThreadPoolExecutor(max_workers=self.max_parallel, thread_name_prefix="taskrun") as pool:
            while pending or queue or running:
                if self.cancel_event.is_set():
                    self.cancelled = True
                self._check_clock(finally_phase)
                for name in list(pending):
                    if not finally_phase and any(self.records[p].status not in DONE for p in self.parents[name]):
                        continue
                    pending.remove(name)
                    decision = self._decide(tasks[name], finally_phase)
                    if isinstance(decision, Skip):
                        self._finish(name, "Skipped", decision.reason, decision.message, skip_reason=decision.reason)
                    elif isinstance(decision, Fail):
                        self._finish(name, "Failed", decision.reason, decision.message)
                        self.stopping = True
                        self.reason, self.message = self.reason or decision.reason, self.message or decision.message
                    else:
                        outcomes[name] = [None] * len(decision)
                        self._start(name, tasks[name], decision)
                        queue.extend((name, i) for i in range(len(decision)))
                while queue and len(running) < self.max_parallel:
                    name, index = queue.popleft()
                    child = self.records[name].children[index]
                    if self.cancel_event.is_set() or self._phase_timed_out(finally_phase):  # never started
                        reason = "TaskRunCancelled" if self.cancel_event.is_set() else "TaskRunTimeout"
                        outcomes[name][index] = TaskRunOutcome(False, reason, "the run is stopping")
                        self._maybe_complete(name, tasks[name], outcomes[name], finally_phase)
                        continue
                    self._mark_started(name)
                    future = pool.submit(self._attempts, tasks[name], child, finally_phase)
                    running[future] = (name, index)
                if not running:
                    continue  # the graph is acyclic: the next pass decides a pending task
                done, _ = futures.wait(running, timeout=0.05, return_when=futures.FIRST_COMPLETED)
                for future in done:
                    name, index = running.pop(future)
                    try:
                        outcomes[name][index] = future.result()
                    except Exception as e:  # a TaskRun that could not even be set up fails alone
                        outcomes[name][index] = TaskRunOutcome(False, "Failed", f"tekflow: {type(e).__name__}: {e}")
                    self._maybe_complete(name, tasks[name], outcomes[name], finally_phase)

    def _check_clock(self, finally_phase: bool) -> None:
        now = time.monotonic()
        if self.timed_out == "pipeline":
            return
        if now > self.deadlines["pipeline"]:
            self.timed_out = "pipeline"
        elif finally_phase and now > self.deadlines.get("finally", float("inf")):
            self.timed_out = "finally"
        elif not finally_phase and now > self.deadlines["tasks"]:
            self.timed_out = "tasks"

    def _phase_timed_out(self, finally_phase: bool) -> bool:
        return self.timed_out == "pipeline" or self.timed_out == ("finally" if finally_phase else "tasks")

    def _deadline(self, finally_phase: bool) -> float:
        phase = self.deadlines.get("finally", float("inf")) if finally_phase else self.deadlines["tasks"]
        return min(self.deadlines["pipeline"], phase)

    # -- decisions ----------------------------------------------------------------------
    def _parents(self, task: tekton.PipelineTask) -> set[str]:
        return set(task.run_after) | {producer for producer, _ in self._result_refs(task)}

    @staticmethod
    def _result_refs(task: tekton.PipelineTask) -> set[tuple[str, str]]:
        return {ref for value in _pipeline_task_values(task) for ref in result_refs(value)}

    def _decide(self, task: tekton.PipelineTask, finally_phase: bool) -> "Skip | Fail | list[dict[str, Any]]":
        """Why the task does not run, or the params of each of its TaskRuns (Tekton's order of checks)."""
        if self.cancel_event.is_set() or (self.cancelled and not finally_phase):
            return Skip(skipping.CANCELLED, "the run was cancelled")
        scope = self._scope(task, finally_phase)
        if not finally_phase:
            # ResolvedPipelineTask.skip(): when, then skipped parents, then missing results
            if self.stopping:
                return Skip(skipping.STOPPING, "a task failed: no new task starts")
            skip = self._when_false(task, scope)
            if skip:
                return skip
            for parent in sorted(self.parents[task.name]):
                record = self.records[parent]
                if record.status == "Skipped" and record.skip_reason not in NON_CASCADING_SKIPS:
                    return Skip(skipping.PARENT, f"{parent!r} was skipped ({record.skip_reason})")
        for producer, result in sorted(self._result_refs(task)):
            record = self.records[producer]
            if result in record.results:
                continue
            message = f"result {result!r} of {producer!r} is missing ({record.status.lower()})"
            if finally_phase or record.skip_reason == skipping.WHEN or task.on_error == "continue":
                return Skip(skipping.MISSING_RESULTS, message)
            return Fail("InvalidTaskResultReference", message)
        if finally_phase:  # IsFinallySkipped(): missing results, then when
            skip = self._when_false(task, scope)
            if skip:
                return skip
        if self.timed_out == "pipeline":
            return Skip(skipping.PIPELINE_TIMEOUT, "the pipeline's timeout was reached")
        if self.timed_out == "tasks" and not finally_phase:
            return Skip(skipping.TASKS_TIMEOUT, "the tasks' timeout was reached")
        if self.timed_out == "finally" and finally_phase:
            return Skip(skipping.FINALLY_TIMEOUT, "the finally tasks' timeout was reached")
        params = {p.name: scope.value(p.value) for p in task.params}
        if not task.matrix:
            return [params]
        axes = []
        for p in task.matrix.params:
            values = scope.value(p.value)
            values = values if isinstance(values, list) else [values]
            if not values:
                return Skip(skipping.EMPTY_MATRIX, f"matrix param {p.name!r} is an empty array")
            axes.append((p.name, [str(v) for v in values]))
        includes = [{p.name: str(scope.value(p.value)) for p in include.params} for include in task.matrix.include]
        combinations = fan_out(axes, includes)
        if len(combinations) > MAX_COMBINATIONS:
            return Fail("PipelineValidationFailed", f"matrix of {task.name!r} has {len(combinations)} combinations, "
                                                    f"more than Tekton's {MAX_COMBINATIONS}")
        return [{**params, **combination} for combination in combinations]

    @staticmethod
    def _when_false(task: tekton.PipelineTask, scope: Variables) -> Optional[Skip]:
        """A false `when` (a reference to a missing result stays as its text, as in Tekton)."""
        for when in task.when:
            value = scope.text(when.input or "")
            allowed = scope.items(list(when.values))
            if (value in allowed) != (when.operator == "in"):
                return Skip(skipping.WHEN, f"{when.input!r} {when.operator} {list(when.values)!r} is false "
                                           f"(input is {value!r})")
        return None

    # -- TaskRuns -----------------------------------------------------------------------
    def _start(self, name: str, task: tekton.PipelineTask, runs: list[dict[str, Any]]) -> None:
        record = self.records[name]
        for index, params in enumerate(runs):
            suffix = f"-{index}" if task.matrix else ""
            record.children.append(ChildRun(name=f"{self.name}-{name}{suffix}", directory=f"{name}{suffix}",
                                            params=params))
            record.taskruns.append(f"{name}{suffix}")

    def _mark_started(self, name: str) -> None:
        """The first of a task's TaskRuns got a worker (the others may wait for one)."""
        record = self.records[name]
        if record.started is not None:
            return
        with self.lock:
            record.status, record.started = "Running", time.time()
        self.write_status()
        self._emit({"type": "task_started", "task": name, "taskruns": len(record.children)})

    def _attempts(self, task: tekton.PipelineTask, child: ChildRun, finally_phase: bool) -> TaskRunOutcome:
        """One TaskRun, retried as the PipelineTask says, holding its GPUs; runs on a worker thread."""
        with self.gpus.lease(self._gpu_count(task), task.name, self.cancel_event) as (gpu_env, warning):
            child.status, child.started = "Running", time.time()
            if warning and child.directory in (task.name, f"{task.name}-0"):
                self._emit({"type": "warning", "task": task.name, "message": warning})
            return self._retried(task, child, finally_phase, {**self.env, **gpu_env})

    def _retried(self, task: tekton.PipelineTask, child: ChildRun, finally_phase: bool,
                 env: dict[str, str]) -> TaskRunOutcome:
        directory = self.run_dir / "tasks" / child.directory
        deadline = self._deadline(finally_phase)
        uid = str(uuid.uuid4())  # one TaskRun across its retries
        inherited = None if TASK_LABEL in _labels(task) else self._inherited(task)
        outcome = None
        for attempt in range((task.retries or 0) + 1):
            if attempt:
                _keep_attempt(directory, attempt - 1)
            attempt_deadline = min(deadline, time.monotonic() + _seconds(task.timeout)) if task.timeout else deadline
            context = {"taskRun.name": child.name, "taskRun.namespace": self.namespace, "taskRun.uid": uid,
                       "task.name": _labels(task).get(TASK_LABEL) or child.name, "task.retry-count": str(attempt)}
            ctx = TaskRunContext(name=child.name, directory=directory, params=child.params,
                                 workspaces=self._workspaces(task, directory), context=context,
                                 deadline=attempt_deadline, cancel=self.cancel_event, env=env, inherited=inherited)
            outcome = run_taskrun(task.task_spec, ctx)
            child.retries = attempt
            if outcome.succeeded or outcome.reason == "TaskRunCancelled" or self.cancel_event.is_set():
                break
            if time.monotonic() >= deadline:  # killed by the run's timeout: no retry
                break
        assert outcome is not None
        return outcome

    @staticmethod
    def _gpu_count(task: tekton.PipelineTask) -> int:
        return sum(requested(step.compute_resources.limits) for step in task.task_spec.steps
                   if step.compute_resources is not None)

    def _maybe_complete(self, name: str, task: tekton.PipelineTask, outcomes: list[Optional[TaskRunOutcome]],
                        finally_phase: bool) -> None:
        if any(o is None for o in outcomes):
            return
        record = self.records[name]
        for child, outcome in zip(record.children, outcomes):
            child.status = "Succeeded" if outcome.succeeded else \
                "Cancelled" if outcome.reason == "TaskRunCancelled" else "Failed"
            child.reason, child.message, child.results = outcome.reason, outcome.message, outcome.results
            if child.status == "Failed" and task.on_error == "continue" and outcome.reason != "TaskRunTimeout":
                child.reason = "FailureIgnored"  # what Tekton sets when the PipelineTask tolerates failure
            child.steps, child.logs, child.finished = outcome.steps, outcome.logs, time.time()
        record.retries = max(c.retries for c in record.children)
        if task.matrix:
            # results of a fanned-out task are arrays over its TaskRuns, ordered by TaskRun name as Tekton does
            record.results = {}
            for child in sorted(record.children, key=lambda c: c.name):
                for result, value in child.results.items():
                    record.results.setdefault(result, []).append(value)
        else:
            record.results = dict(record.children[0].results)
        failed = [c for c in record.children if c.status != "Succeeded"]
        if not failed:
            self._finish(name, "Succeeded", "Succeeded")
            return
        first = failed[0]
        status = "Cancelled" if first.status == "Cancelled" and self.cancel_event.is_set() else "Failed"
        message = first.message if len(record.children) == 1 else f"{first.name}: {first.message}"
        self._finish(name, status, first.reason, message)
        if not finally_phase and task.on_error != "continue":
            self.stopping = True
            self.message = self.message or f"task {name!r} failed: {message}"

    def _finish(self, name: str, status: str, reason: str, message: str = "", skip_reason: str = "") -> None:
        with self.lock:
            record = self.records[name]
            record.status, record.reason, record.message, record.skip_reason = status, reason, message, skip_reason
            record.finished = time.time()
            if record.started is None:
                record.started = record.finished
        self.write_status()
        self._emit({"type": "task_finished", "task": name, "status": status, "reason": reason,
                    "duration_s": record.duration_s, "message": message})

    def _status(self) -> str:
        if self.cancelled:
            self.reason = "Cancelled"
            self.message = "the run was cancelled"
            return "Cancelled"
        if self.invalid:
            return "Failed"
        if self.timed_out:
            self.reason = "PipelineRunTimeout"
            self.message = f"the {self.timed_out} timeout was reached"
            return "Failed"
        failed = [n for n, r in self.records.items() if r.status in ("Failed", "Cancelled")
                  and (r.is_finally or self.tasks[n].on_error != "continue")]
        if failed:
            self.reason = self.reason or "Failed"
            self.message = self.message or f"tasks failed: {', '.join(failed)}"
            return "Failed"
        skipped = any(r.status == "Skipped" for r in self.records.values())
        self.reason = "Completed" if skipped else "Succeeded"
        return "Succeeded"

    # -- variables ----------------------------------------------------------------------
    def _pipeline_params(self) -> dict[str, Any]:
        given = {p.name: p.value for p in self.run.spec.params}
        values: dict[str, Any] = {}
        for spec in self.spec.params:
            value = given.get(spec.name, spec.default)
            if value is None:
                raise TekflowError(f"pipeline param {spec.name!r} has no value and no default")
            if spec.type == "object" and isinstance(spec.default, dict) and isinstance(value, dict):
                value = {**spec.default, **value}
            kind = "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "string"
            if kind != (spec.type or "string"):
                raise TekflowError(f"pipeline param {spec.name!r} is of type {spec.type or 'string'}, got {kind} "
                                   f"value {value!r}")
            values[spec.name] = value
        return values

    def _array_indexes_out_of_range(self) -> list[str]:
        """`$(params.a[N])` in the pipeline's tasks where the array param `a` has no item N."""
        arrays = {name: value for name, value in self.params.items() if isinstance(value, list)}
        found = set()
        for task in [*self.tasks.values(), *self.finally_tasks.values()]:
            for value in _pipeline_task_values(task):
                for name in references(value):
                    m = _ARRAY_INDEX.match(name)
                    if m and m.group(1) in arrays and int(m.group(2)) >= len(arrays[m.group(1)]):
                        found.add(f"$({name})")
        return sorted(found)

    def _check_graph(self) -> None:
        for name, parents in self.parents.items():
            unknown = sorted(p for p in parents if p not in self.tasks)
            if unknown:
                raise TekflowError(f"task {name!r} depends on {unknown[0]!r}, which is not a task of the pipeline")
        try:
            graphlib.TopologicalSorter(self.parents).prepare()
        except graphlib.CycleError as e:
            raise TekflowError(f"the tasks depend on each other in a cycle: {' -> '.join(e.args[1])}") from None
        for name, task in self.finally_tasks.items():
            for producer, _ in self._result_refs(task):
                if producer not in self.tasks:
                    raise TekflowError(f"finally task {name!r} uses results of {producer!r}, not a task of the pipeline")

    def _run_context(self, task: Optional[tekton.PipelineTask] = None) -> dict[str, str]:
        context = {"pipelineRun.name": self.name, "pipelineRun.namespace": self.namespace,
                   "pipelineRun.uid": self.uid, "pipeline.name": self.pipeline_name}
        if task is not None:
            context["pipelineTask.retries"] = str(task.retries or 0)
        return context

    def _scope(self, task: Optional[tekton.PipelineTask], finally_phase: bool) -> Variables:
        """The variables a PipelineTask's params, when expressions and matrix may use."""
        scope = Variables()
        for name, value in self.params.items():
            scope.add_value(f"params.{name}", value)
        for key, value in self._run_context(task).items():
            scope.strings[f"context.{key}"] = value
        with self.lock:
            records = list(self.records.values())
        for record in records:
            prefix = "finally" if record.is_finally else "tasks"
            for result, value in record.results.items():
                scope.add_value(f"{prefix}.{record.name}.results.{result}", value)
            if not record.is_finally and self.tasks[record.name].matrix and record.status in DONE:
                scope.strings[f"tasks.{record.name}.matrix.length"] = str(len(record.children))
                for result, value in record.results.items():
                    scope.strings[f"tasks.{record.name}.matrix.{result}.length"] = str(len(value))
        bound = {b.name for b in self.run.spec.workspaces}
        for declared in self.spec.workspaces:
            scope.strings[f"workspaces.{declared.name}.bound"] = "true" if declared.name in bound else "false"
        if finally_phase:
            scope.strings["tasks.status"] = self._aggregate_status()
            for name in self.tasks:
                record = self.records[name]
                failed = record.status in ("Failed", "Cancelled")  # a cancelled or timed-out TaskRun failed
                scope.strings[f"tasks.{name}.status"] = "Succeeded" if record.status == "Succeeded" else \
                    "Failed" if failed else "None"
                scope.strings[f"tasks.{name}.reason"] = record.reason if record.children else ""
        return scope

    def _inherited(self, task: tekton.PipelineTask) -> Variables:
        """What an inlined taskSpec sees from the pipeline: its params (propagated) and context."""
        inherited = Variables()
        for name, value in self.params.items():
            inherited.add_value(f"params.{name}", value)
        for key, value in self._run_context(task).items():
            inherited.strings[f"context.{key}"] = value
        return inherited

    def _aggregate_status(self) -> str:
        records = [self.records[n] for n in self.tasks]
        if any(r.status in ("Failed", "Cancelled") for r in records):
            return "Failed"
        if any(r.status not in DONE for r in records):
            return "None"
        if any(r.status == "Skipped" for r in records):
            return "Completed"
        return "Succeeded"

    def _workspaces(self, task: tekton.PipelineTask, directory: Path) -> dict[str, Optional[Path]]:
        bindings = {b.name: b for b in self.run.spec.workspaces}
        out: dict[str, Optional[Path]] = {}
        for usage in task.workspaces:
            binding = bindings.get(usage.workspace or usage.name)
            if binding is None:
                out[usage.name] = None
                continue
            if binding.empty_dir is not None:  # a fresh directory for every TaskRun (pod)
                path = directory / "workspaces" / usage.name
            else:  # a PVC (claimed or from a template): one directory for the whole run
                path = self.run_dir / "workspaces" / binding.name
            for sub in (binding.sub_path, usage.sub_path):
                if sub:
                    path = path / sub
            path.mkdir(parents=True, exist_ok=True)
            out[usage.name] = path
        return out

    def _pipeline_results(self) -> dict[str, Any]:
        scope = self._scope(None, finally_phase=True)
        outputs: dict[str, Any] = {}
        for result in self.spec.results:
            refs = result_refs(result.value) | result_refs(result.value, "finally")
            if any(t not in self.records or r not in self.records[t].results for t, r in refs):
                continue  # Tekton leaves out a result whose task did not produce it
            outputs[result.name] = scope.value(result.value)
        return outputs

    # -- reporting ----------------------------------------------------------------------
    def _emit(self, event: Event) -> None:
        try:
            self.on_event(event)
        except Exception:  # a progress display must never break the run
            pass

    def write_status(self, final: Optional[RunResult] = None) -> None:
        with self.lock:
            data = {"name": self.name, "status": final.status if final else "Running",
                    "reason": final.reason if final else "", "message": final.message if final else "",
                    "tasks": {n: r.to_dict() for n, r in self.records.items()},
                    "uid": self.uid, "owner": ownership.this_process()}  # a dead owner's run is reaped later
            if final:
                data["outputs"] = final.outputs
            tmp = self.run_dir / f".status.json.{threading.get_ident()}"
            tmp.write_text(json.dumps(data, default=str))
            os.replace(tmp, self.run_dir / "status.json")


def _pipeline_task_values(task: tekton.PipelineTask) -> list[Any]:
    """Every value of a PipelineTask in which Tekton replaces variables: params, when, matrix."""
    values: list[Any] = [p.value for p in task.params] + [w.input or "" for w in task.when] + \
                        [list(w.values) for w in task.when]
    if task.matrix:
        values += [p.value for p in task.matrix.params] + [p.value for i in task.matrix.include for p in i.params]
    return values


def _labels(task: tekton.PipelineTask) -> dict[str, str]:
    metadata = task.task_spec.metadata
    return dict(metadata.labels) if metadata is not None else {}


def _seconds(duration: Union[float, int, str]) -> float:
    if isinstance(duration, (int, float)):
        return float(duration) if duration > 0 else float("inf")
    return parse_duration(duration)


def _keep_attempt(directory: Path, attempt: int) -> None:
    """Move a failed attempt's files to retries/<attempt>/: the next one starts clean (a new pod)."""
    kept = directory / "retries" / str(attempt)
    kept.mkdir(parents=True, exist_ok=True)
    for entry in directory.iterdir():
        if entry.name != "retries":
            shutil.move(str(entry), str(kept / entry.name))
