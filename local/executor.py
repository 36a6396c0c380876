"""Execute a Tekton v1 PipelineRun on this machine with Tekton's semantics.

One coordinator thread decides what runs (runAfter and result references, `when`, matrix,
skipping, stopping on failure, finally, timeouts, cancellation); TaskRuns run on a pool of
`max_parallel` worker threads, each step a process (local/taskrun.py).
"""

from __future__ import annotations

import concurrent.futures as futures
import itertools
import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Optional

from tekflow.compiler import tekton

from .result import RunResult, TaskRecord
from .taskrun import TaskRunContext, TaskRunOutcome, parse_duration, run_taskrun
from .variables import Variables, references, result_refs

DEFAULT_PIPELINE_TIMEOUT = "1h"  # Tekton's default-timeout-minutes
MAX_MATRIX_COMBINATIONS = 256  # Tekton's default max-matrix-combinations-count
DONE = ("Succeeded", "Failed", "Skipped", "Cancelled")

Event = dict[str, Any]


class Execution:
    def __init__(self, run: tekton.PipelineRun, run_dir: Path, max_parallel: Optional[int] = None,
                 on_event: Optional[Callable[[Event], None]] = None, env: Optional[dict[str, str]] = None) -> None:
        self.run = run
        self.spec = run.spec.pipeline_spec
        self.run_dir = run_dir
        self.name = run.metadata.name or (run.metadata.generate_name or "run-") + uuid.uuid4().hex[:5]
        self.uid = str(uuid.uuid4())
        self.max_parallel = max(1, max_parallel or os.cpu_count() or 1)
        self.on_event = on_event or (lambda event: None)
        self.env = env or {}
        self.cancel_event = threading.Event()
        self.tasks = {t.name: t for t in self.spec.tasks}
        self.finally_tasks = {t.name: t for t in self.spec.finally_}
        self.records = {n: TaskRecord(n, display_name=t.display_name) for n, t in self.tasks.items()}
        self.records.update({n: TaskRecord(n, display_name=t.display_name, is_finally=True)
                             for n, t in self.finally_tasks.items()})
        self.lock = threading.Lock()
        self.reason = ""
        self.message = ""
        self._cancelled = False

    # -- public -------------------------------------------------------------------------
    def cancel(self) -> None:
        self.cancel_event.set()

    def execute(self) -> RunResult:
        started = time.monotonic()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        timeouts = self.run.spec.timeouts or tekton.TimeoutFields()
        pipeline_deadline = started + parse_duration(timeouts.pipeline or DEFAULT_PIPELINE_TIMEOUT)
        tasks_deadline = started + parse_duration(timeouts.tasks) if timeouts.tasks else pipeline_deadline
        self._emit({"type": "run_started", "run": self.name, "tasks": list(self.records)})
        stopped = self._run_phase(self.tasks, min(tasks_deadline, pipeline_deadline), pipeline_deadline)
        if self.finally_tasks:
            if time.monotonic() >= pipeline_deadline:
                for name in self.finally_tasks:
                    self._finish(name, "Skipped", "PipelineRunTimeout")
            else:
                # finally tasks run after a failure, a timeout of the tasks, and a first Ctrl-C
                self.cancel_event.clear()
                finally_deadline = pipeline_deadline
                if timeouts.finally_:
                    finally_deadline = min(pipeline_deadline, time.monotonic() + parse_duration(timeouts.finally_))
                self._run_phase(self.finally_tasks, finally_deadline, pipeline_deadline, finally_phase=True)
        status = self._status(stopped)
        outputs = self._pipeline_results()
        result = RunResult(self.name, status, self.reason or status, self.message, self.records, outputs,
                           self.run_dir, time.monotonic() - started)
        self._write_status(final=result)
        self._emit({"type": "run_finished", "run": self.name, "status": status, "reason": result.reason})
        return result

    # -- phases -------------------------------------------------------------------------
    def _run_phase(self, tasks: dict[str, tekton.PipelineTask], deadline: float, pipeline_deadline: float,
                   finally_phase: bool = False) -> bool:
        """Run a set of tasks to the end; returns whether the phase stopped early."""
        pending = list(tasks)
        running: dict[futures.Future, tuple[str, int]] = {}
        children_left: dict[str, int] = {}
        outcomes: dict[str, list[Optional[TaskRunOutcome]]] = {}
        stopping = False
        pool = futures.ThreadPoolExecutor(max_workers=self.max_parallel, thread_name_prefix="taskrun")
        queue: list[tuple[str, int, dict[str, Any]]] = []
        try:
            while pending or running or queue:
                now = time.monotonic()
                if self.cancel_event.is_set() and not stopping:
                    self._cancelled, stopping = True, True
                if now > deadline and not stopping:  # running TaskRuns stop at the same deadline
                    stopping = True
                    self.reason = "PipelineRunTimeout"
                    self.message = "the pipeline's timeout was reached" if deadline >= pipeline_deadline \
                        else "the timeout of its tasks was reached"
                for name in list(pending):
                    deps = self._dependencies(tasks[name])
                    if any(self.records[d].status not in DONE for d in deps if d in self.records):
                        continue
                    pending.remove(name)
                    if stopping:
                        self._finish(name, "Skipped", "PipelineRunStopping" if not self._cancelled
                                     else "PipelineRunCancelled")
                        continue
                    decision = self._decide(tasks[name], finally_phase)
                    if isinstance(decision, str):
                        self._finish(name, "Skipped", decision)
                        continue
                    self.records[name].status = "Running"
                    children_left[name] = len(decision)
                    outcomes[name] = [None] * len(decision)
                    queue.extend((name, i, params) for i, params in enumerate(decision))
                while queue and len(running) < self.max_parallel:
                    name, index, params = queue.pop(0)
                    if stopping:
                        outcomes[name][index] = TaskRunOutcome(False, "TaskRunCancelled", "the run is stopping")
                        children_left[name] -= 1
                        if children_left[name] == 0:
                            self._complete(name, tasks[name], outcomes[name])
                        continue
                    task_deadline = min(deadline, pipeline_deadline)
                    future = pool.submit(self._attempts, tasks[name], index, params, task_deadline, finally_phase)
                    running[future] = (name, index)
                if not running:
                    if not queue and pending and all(
                            any(self.records[d].status not in DONE for d in self._dependencies(tasks[n])
                                if d in self.records) for n in pending):
                        raise RuntimeError(f"tasks {pending} wait on each other")  # validation prevents this
                    continue
                done, _ = futures.wait(running, timeout=0.05, return_when=futures.FIRST_COMPLETED)
                for future in done:
                    name, index = running.pop(future)
                    outcomes[name][index] = future.result()
                    children_left[name] -= 1
                    if children_left[name] == 0:
                        failed = self._complete(name, tasks[name], outcomes[name])
                        if failed and tasks[name].on_error != "continue" and not finally_phase:
                            stopping = True
                            self.reason = self.reason or "Failed"
                            self.message = self.message or f"task {name!r} failed"
        finally:
            pool.shutdown(wait=True)
        return stopping

    def _attempts(self, task: tekton.PipelineTask, index: int, params: dict[str, Any], deadline: float,
                  finally_phase: bool) -> TaskRunOutcome:
        """One TaskRun (a matrix child), retried as the PipelineTask says."""
        retries = task.retries or 0
        base = f"{self.name}-{task.name}" + (f"-{index}" if task.matrix else "")
        env = dict(self.env)
        gpu_env, warning = self._gpus(task)
        env.update(gpu_env)
        if warning and index == 0:
            self._emit({"type": "warning", "task": task.name, "message": warning})
        outcome = None
        with self.lock:
            record = self.records[task.name]
            first = record.started is None
            if first:
                record.started = time.time()
        if first:
            self._emit({"type": "task_started", "task": task.name,
                        "taskruns": len(task.matrix.params[0].value) if task.matrix and isinstance(
                            task.matrix.params[0].value, list) else 1})
        for attempt in range(retries + 1):
            taskrun = base if attempt == 0 else f"{base}-retry{attempt}"
            with self.lock:
                self.records[task.name].taskruns.append(taskrun)
                self.records[task.name].retries = attempt
            attempt_deadline = deadline
            if task.timeout:
                attempt_deadline = min(deadline, time.monotonic() + parse_duration(task.timeout))
            ctx = TaskRunContext(
                name=taskrun, directory=self.run_dir / "tasks" / taskrun, params=params,
                workspaces=self._workspaces(task, taskrun), deadline=attempt_deadline, cancel=self.cancel_event,
                context=self._context(task, taskrun, attempt), env=env)
            outcome = run_taskrun(task.task_spec, ctx)
            if outcome.succeeded or outcome.reason == "TaskRunCancelled" or self.cancel_event.is_set():
                break
            if time.monotonic() > deadline:
                break
        assert outcome is not None
        return outcome

    @staticmethod
    def _gpus(task: tekton.PipelineTask) -> tuple[dict[str, str], Optional[str]]:
        from .gpus import plan, requested

        count = sum(requested(step.compute_resources.limits) for step in task.task_spec.steps
                    if step.compute_resources is not None)
        return plan(count, task.name)

    # -- decisions ----------------------------------------------------------------------
    def _dependencies(self, task: tekton.PipelineTask) -> set[str]:
        values = [p.value for p in task.params] + [w.input or "" for w in task.when] + \
                 [v for w in task.when for v in w.values]
        if task.matrix:
            values += [p.value for p in task.matrix.params] + [p.value for inc in task.matrix.include for p in inc.params]
        refs = {t for value in values for t, _ in result_refs(value)}
        return set(task.run_after) | refs

    def _decide(self, task: tekton.PipelineTask, finally_phase: bool) -> "str | list[dict[str, Any]]":
        """A reason to skip the task, or the params of each of its TaskRuns."""
        values = [p.value for p in task.params] + [w.input or "" for w in task.when] + \
                 [v for w in task.when for v in w.values]
        if task.matrix:
            values += [p.value for p in task.matrix.params] + [p.value for inc in task.matrix.include for p in inc.params]
        for producer, result in sorted({r for v in values for r in result_refs(v)}):
            record = self.records.get(producer)
            if record is None or record.status != "Succeeded" or result not in record.results:
                state = record.status.lower() if record else "unknown"
                return f"it uses result {result!r} of {producer!r}, which {state if state != 'succeeded' else 'did not produce it'}"
        variables = self._pipeline_variables(finally_phase)
        for when in task.when:
            value = variables.text(when.input or "")
            allowed = variables.items(list(when.values))
            if (value in allowed) != (when.operator == "in"):
                return f"when expression {when.input!r} {when.operator} {when.values!r} is false ({value!r})"
        params = {p.name: variables.value(p.value) for p in task.params}
        if not task.matrix:
            return [params]
        combos = self._matrix(task, variables)
        if isinstance(combos, str):
            return combos
        return [{**params, **combo} for combo in combos]

    def _matrix(self, task: tekton.PipelineTask, variables: Variables) -> "str | list[dict[str, Any]]":
        names, lists = [], []
        for p in task.matrix.params:
            value = variables.value(p.value)
            if not isinstance(value, list):
                value = [value]
            if not value:
                return f"matrix param {p.name!r} is an empty array"
            names.append(p.name)
            lists.append(value)
        combos = [dict(zip(names, values)) for values in itertools.product(*lists)] if names else []
        for include in task.matrix.include:
            extra = {p.name: variables.value(p.value) for p in include.params}
            keys = {k: v for k, v in extra.items() if k in names}
            matching = [c for c in combos if all(c[k] == v for k, v in keys.items())] if keys else list(combos)
            if keys and not matching or not names:
                combos.append(extra)  # a combination of its own
            else:
                for combo in matching:
                    combo.update({k: v for k, v in extra.items() if k not in names})
        if len(combos) > MAX_MATRIX_COMBINATIONS:
            return f"matrix has {len(combos)} combinations, more than Tekton's {MAX_MATRIX_COMBINATIONS}"
        return combos

    # -- completion ---------------------------------------------------------------------
    def _complete(self, name: str, task: tekton.PipelineTask, outcomes: list[Optional[TaskRunOutcome]]) -> bool:
        """Record a task whose TaskRuns all ended; returns whether it failed."""
        record = self.records[name]
        failed = [o for o in outcomes if o is None or not o.succeeded]
        if task.matrix:
            # matrix: each string result becomes an array of the children's values
            names = {r for o in outcomes if o for r in o.results}
            record.results = {r: [o.results.get(r, "") for o in outcomes if o] for r in names}
        else:
            record.results = outcomes[0].results if outcomes and outcomes[0] else {}
        if failed:
            first = failed[0]
            reason = first.reason if first else "TaskRunCancelled"
            status = "Cancelled" if reason == "TaskRunCancelled" else "Failed"
            self._finish(name, status, reason, first.message if first else "")
            return True
        self._finish(name, "Succeeded", "Succeeded")
        return False

    def _finish(self, name: str, status: str, reason: str, message: str = "") -> None:
        with self.lock:
            record = self.records[name]
            record.status, record.reason, record.message = status, reason, message
            record.finished = time.time()
            if record.started is None:
                record.started = record.finished
        self._write_status()
        self._emit({"type": "task_finished", "task": name, "status": status, "reason": reason,
                    "duration_s": record.duration_s, "message": message})

    def _status(self, stopped: bool) -> str:
        if self._cancelled:
            self.reason = "Cancelled"
            return "Cancelled"
        failed = [n for n, r in self.records.items() if r.status in ("Failed", "Cancelled")
                  and (r.is_finally or self._task(n).on_error != "continue")]
        if failed or self.reason == "PipelineRunTimeout":
            self.message = self.message or f"tasks failed: {', '.join(failed)}"
            return "Failed"
        return "Succeeded"

    def _task(self, name: str) -> tekton.PipelineTask:
        return self.tasks.get(name) or self.finally_tasks[name]

    # -- variables ----------------------------------------------------------------------
    def _pipeline_params(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for p in self.spec.params:
            if p.default is not None:
                values[p.name] = p.default
        for p in self.run.spec.params:
            values[p.name] = p.value
        return values

    def _pipeline_variables(self, finally_phase: bool) -> Variables:
        variables = Variables()
        for name, value in self._pipeline_params().items():
            variables.add_value(f"params.{name}", value)
        for key, value in self._run_context().items():
            variables.strings[f"context.{key}"] = value
        for name, record in self.records.items():
            for result, value in record.results.items():
                variables.add_value(f"{'finally' if record.is_finally else 'tasks'}.{name}.results.{result}", value)
            if self._task(name).matrix and record.status == "Succeeded":
                variables.strings[f"tasks.{name}.matrix.length"] = str(len(record.taskruns))
        for binding in self.spec.workspaces:
            bound = any(b.name == binding.name for b in self.run.spec.workspaces)
            variables.strings[f"workspaces.{binding.name}.bound"] = "true" if bound else "false"
        if finally_phase:
            variables.strings["tasks.status"] = self._aggregate_status()
            for name in self.tasks:
                record = self.records[name]
                variables.strings[f"tasks.{name}.status"] = record.status if record.status in ("Succeeded", "Failed") \
                    else "None"
                variables.strings[f"tasks.{name}.reason"] = record.reason if record.status != "Skipped" else "Skipped"
        return variables

    def _aggregate_status(self) -> str:
        statuses = [self.records[n].status for n in self.tasks]
        if any(s == "Failed" for s in statuses):
            return "Failed"
        if all(s == "Succeeded" for s in statuses):
            return "Succeeded"
        if all(s in ("Succeeded", "Skipped") for s in statuses):
            return "Completed"
        return "None"

    def _run_context(self) -> dict[str, str]:
        return {"pipelineRun.name": self.name, "pipelineRun.namespace": self.run.metadata.namespace or "default",
                "pipelineRun.uid": self.uid, "pipeline.name": self.name}

    def _context(self, task: tekton.PipelineTask, taskrun: str, attempt: int) -> dict[str, str]:
        return {**self._run_context(), "taskRun.name": taskrun,
                "taskRun.namespace": self.run.metadata.namespace or "default", "taskRun.uid": str(uuid.uuid4()),
                "task.name": task.name, "task.retry-count": str(attempt),
                "pipelineTask.retries": str(task.retries or 0)}

    def _workspaces(self, task: tekton.PipelineTask, taskrun: str) -> dict[str, Optional[Path]]:
        bindings = {b.name: b for b in self.run.spec.workspaces}
        out: dict[str, Optional[Path]] = {}
        for usage in task.workspaces:
            binding = bindings.get(usage.workspace or usage.name)
            if binding is None:
                out[usage.name] = None
                continue
            if binding.empty_dir is not None:
                directory = self.run_dir / "tasks" / taskrun / "workspaces" / usage.name
            else:  # a PVC (claimed or from a template): one directory for the whole run
                directory = self.run_dir / "workspaces" / binding.name
            for sub in (binding.sub_path, usage.sub_path):
                if sub:
                    directory = directory / sub
            directory.mkdir(parents=True, exist_ok=True)
            out[usage.name] = directory
        return out

    def _pipeline_results(self) -> dict[str, Any]:
        variables = self._pipeline_variables(finally_phase=True)
        outputs: dict[str, Any] = {}
        for result in self.spec.results:
            refs = result_refs(result.value) | result_refs(result.value, "finally")
            if any(t not in self.records or r not in self.records[t].results for t, r in refs):
                continue  # Tekton leaves out a result whose task did not produce it
            outputs[result.name] = variables.value(result.value)
        return outputs

    # -- reporting ----------------------------------------------------------------------
    def _emit(self, event: Event) -> None:
        try:
            self.on_event(event)
        except Exception:  # a progress display must never break the run
            pass

    def _write_status(self, final: Optional[RunResult] = None) -> None:
        with self.lock:
            data = {"name": self.name, "status": final.status if final else "Running",
                    "reason": final.reason if final else "", "tasks": {n: r.to_dict() for n, r in self.records.items()}}
            if final:
                data["outputs"] = final.outputs
            tmp = self.run_dir / ".status.json.tmp"
            tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str))
            os.replace(tmp, self.run_dir / "status.json")
