"""Run one TaskRun here: its steps as processes, in order, with Tekton's step semantics."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from tekflow.compiler import tekton
from tekflow.runtime.values import MAX_ARGUMENT_BYTES

from .variables import Variables

MAX_RESULTS_BYTES = 4096  # Tekton's termination message: all of a TaskRun's results
LAUNCHER = ["python3", "-m", "tekflow.runtime"]


@dataclass
class TaskRunOutcome:
    succeeded: bool
    reason: str  # Succeeded | Failed | TaskRunTimeout | TaskRunCancelled | …
    message: str = ""
    results: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)  # step -> exit code
    logs: dict[str, str] = field(default_factory=dict)  # step -> log file
    started: float = 0.0
    finished: float = 0.0


@dataclass
class TaskRunContext:
    name: str  # the TaskRun's name
    directory: Path  # RUN_DIR/tasks/<name>
    params: dict[str, Any]  # typed param values from the PipelineTask (before defaults)
    workspaces: dict[str, Optional[Path]]  # task workspace -> directory (None: unbound)
    context: dict[str, str]  # context.* variables
    deadline: Optional[float] = None  # time.monotonic() deadline
    cancel: threading.Event = field(default_factory=threading.Event)
    env: dict[str, str] = field(default_factory=dict)  # extra environment for every step
    # an inlined taskSpec also sees the pipeline's params and context (Tekton's propagated parameters)
    inherited: Optional[Variables] = None


def run_taskrun(spec: tekton.EmbeddedTask, ctx: TaskRunContext) -> TaskRunOutcome:
    started = time.time()
    ctx.directory.mkdir(parents=True, exist_ok=True)
    try:
        variables = _variables(spec, ctx)
    except ValueError as e:
        return TaskRunOutcome(False, "TaskRunValidationFailed", str(e), started=started, finished=time.time())
    exit_codes: dict[str, int] = {}
    logs: dict[str, str] = {}
    reason, message, ok = "Succeeded", "", True
    first_failed = ""  # the first step that exited non-zero: what a later step's failure follows from
    steps = [_with_template(step, spec.step_template) for step in spec.steps]
    for index, step in enumerate(steps):
        name = step.name or f"unnamed-{index}"
        code, stop_reason = _run_step(step, name, index, variables, ctx)
        exit_codes[name] = code
        logs[name] = str(ctx.directory / f"{name}.log")
        (ctx.directory / "steps" / f"step-{name}").mkdir(parents=True, exist_ok=True)
        (ctx.directory / "steps" / f"step-{name}" / "exitCode").write_text(str(code))
        if stop_reason:
            ok, reason, message = False, stop_reason, f"step {name!r}: {stop_reason}"
            break
        if code != 0 and not first_failed:
            first_failed = name
        if code != 0 and step.on_error != "continue":
            # e.g. a compiled task's publish step fails because main (onError: continue) did
            ok, reason, message = False, "StepFailed", _step_failure(first_failed, exit_codes[first_failed],
                                                                 logs[first_failed])
            break
    results, problem = _read_results(spec, ctx)
    if ok and problem:
        ok, reason, message = False, "TaskRunResultLargerThanAllowedLimit", problem
    return TaskRunOutcome(ok, reason, message, results, exit_codes, logs, started, time.time())


def _step_failure(step: str, code: int, log: str, lines: int = 5, width: int = 300) -> str:
    """A failed step, the end of its log and where the log is: what `kubectl logs` would show."""
    try:
        with open(log, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 8192))
            tail = [line.rstrip()[:width] for line in f.read().decode(errors="replace").splitlines() if line.strip()]
    except OSError:
        tail = []
    message = f"step {step!r} exited with code {code}"
    if not tail:
        return f"{message} (log: {log})"
    return f"{message}; the end of its log ({log}):\n" + "\n".join(tail[-lines:])


def _variables(spec: tekton.EmbeddedTask, ctx: TaskRunContext) -> Variables:
    given = Variables()  # what a default may refer to: the values passed in and the context
    for key, value in ctx.context.items():
        given.strings[f"context.{key}"] = value
    for name, value in ctx.params.items():
        given.add_value(f"params.{name}", value)
    variables = Variables()
    for name, value in ctx.params.items():  # undeclared ones too: an inlined spec may use them
        variables.add_value(f"params.{name}", value)
    for p in spec.params:
        if p.name in ctx.params:
            value = ctx.params[p.name]
            if p.type == "object" and isinstance(value, dict) and isinstance(p.default, dict):
                value = {**{k: given.text(v) for k, v in p.default.items()}, **value}
        elif p.default is not None:
            value = given.value(p.default)
        else:
            raise ValueError(f"param {p.name!r} has no value and no default")
        variables.add_value(f"params.{p.name}", value)
    variables = (ctx.inherited or Variables()).merged(variables)
    for key, value in ctx.context.items():
        variables.strings[f"context.{key}"] = value
    results_dir = ctx.directory / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    for result in spec.results:
        variables.strings[f"results.{result.name}.path"] = str(results_dir / result.name)
    for index, step in enumerate(spec.steps):
        path = str(ctx.directory / "steps" / f"step-{step.name}" / "exitCode")
        variables.strings[f"steps.step-{step.name}.exitCode.path"] = path
    for ws in spec.workspaces:
        directory = ctx.workspaces.get(ws.name)
        if directory is None and not ws.optional:
            raise ValueError(f"workspace {ws.name!r} is not bound")
        variables.strings[f"workspaces.{ws.name}.path"] = str(directory) if directory else ""
        variables.strings[f"workspaces.{ws.name}.bound"] = "true" if directory else "false"
        variables.strings[f"workspaces.{ws.name}.claim"] = ""
        variables.strings[f"workspaces.{ws.name}.volume"] = ws.name
    return variables


def _with_template(step: tekton.Step, template: Optional[tekton.StepTemplate]) -> tekton.Step:
    if template is None:
        return step
    env = {e.name: e for e in template.env}
    env.update({e.name: e for e in step.env})
    return tekton.Step(**{**{f: getattr(step, f) for f in step.__dataclass_fields__},
                          "command": step.command or template.command,
                          "args": step.args or (template.args if not step.command else []),
                          "working_dir": step.working_dir or template.working_dir,
                          "env": list(env.values())})


def _run_step(step: tekton.Step, name: str, index: int, variables: Variables,
              ctx: TaskRunContext) -> tuple[int, str]:
    """Run one step; returns (exit code, reason when the TaskRun must stop: timeout, cancel)."""
    step_dir = ctx.directory / "steps" / f"step-{name}"
    step_dir.mkdir(parents=True, exist_ok=True)
    if step.script:
        script = variables.text(step.script)
        if not script.startswith("#!"):
            script = "#!/bin/sh\nset -e\n" + script  # Tekton's default for a script without a shebang
        script_path = step_dir / "script"
        script_path.write_text(script)
        script_path.chmod(0o755)
        # Run the interpreter named by the shebang rather than exec the file just written: another
        # thread's fork may still hold it open for writing, and exec would fail with "text file busy".
        argv = [*_shebang(script), str(script_path), *variables.items(step.args)]
    else:
        argv = variables.items(step.command) + variables.items(step.args)
    if argv[:3] == LAUNCHER:
        argv[0] = sys.executable  # launcher steps run with this installation of tekflow
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["TEKFLOW_LOCAL"] = "1"
    env.update(ctx.env)
    env.update({e.name: variables.text(e.value or "") for e in step.env})
    working_dir = variables.text(step.working_dir) if step.working_dir else str(ctx.directory / "work")
    os.makedirs(working_dir, exist_ok=True)
    deadline = ctx.deadline
    if step.timeout:
        step_deadline = time.monotonic() + parse_duration(step.timeout)
        deadline = min(deadline, step_deadline) if deadline else step_deadline
    log_path = ctx.directory / f"{name}.log"
    with open(log_path, "ab") as log:
        try:
            proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=working_dir,
                                    start_new_session=True)
        except OSError as e:
            problem = e.strerror
            if e.errno == errno.E2BIG:  # say which limit: one argument, or all of them with the environment
                largest = max(len(os.fsencode(a)) for a in argv)
                problem += (f": its largest argument is {largest} bytes; Linux passes at most {MAX_ARGUMENT_BYTES} "
                            "bytes in one argument and about 2 MiB in all, environment included")
            log.write(f"tekflow: cannot start {argv[0]!r}: {problem}\n".encode())
            return 127, ""
        while True:
            try:
                return proc.wait(timeout=0.05), ""
            except subprocess.TimeoutExpired:
                pass
            if ctx.cancel.is_set():
                _kill(proc)
                return -1, "TaskRunCancelled"
            if deadline is not None and time.monotonic() > deadline:
                _kill(proc)
                log.write(b"\ntekflow: timed out\n")
                return -1, "TaskRunTimeout"


def _shebang(script: str) -> list[str]:
    """`#!/usr/bin/env python3 -u` -> ["/usr/bin/env", "python3 -u"] (one optional argument, as the kernel does)."""
    first = script.splitlines()[0][2:].strip()
    interpreter, _, argument = first.partition(" ")
    return [interpreter, argument.strip()] if argument.strip() else [interpreter]


def _kill(proc: subprocess.Popen) -> None:
    """The step and every process it started (its own process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=2)
            return
        except subprocess.TimeoutExpired:
            continue


def _read_results(spec: tekton.EmbeddedTask, ctx: TaskRunContext) -> tuple[dict[str, Any], str]:
    results: dict[str, Any] = {}
    size = 0
    for result in spec.results:
        path = ctx.directory / "results" / result.name
        if not path.exists():
            continue
        data = path.read_bytes()  # as written: no newline translation
        size += len(data)
        text = data.decode(errors="replace")
        if result.type in ("array", "object"):
            try:
                results[result.name] = json.loads(text)
            except json.JSONDecodeError:
                return results, f"result {result.name!r} is not a JSON {result.type}"
        else:
            results[result.name] = text
    if size > MAX_RESULTS_BYTES:
        return results, f"results total {size} bytes, more than Tekton's {MAX_RESULTS_BYTES}"
    return results, ""


def parse_duration(text: str) -> float:
    """Seconds of a Go duration as Tekton reads it (1h30m, 90s, 500ms); 0 is no timeout (inf).
    ValueError for anything else, negative durations included."""
    from tekflow.compiler.validation.duration import DurationError, parse

    try:
        nanoseconds = parse(text)
    except DurationError:
        raise ValueError(f"not a duration: {text!r}") from None
    if nanoseconds < 0:
        raise ValueError(f"not a duration: {text!r} is negative")
    return float("inf") if nanoseconds == 0 else nanoseconds / 1e9
