"""`tekflow.local.run(...)`: load, resolve, execute; Ctrl-C cancels cleanly, then raises RunInterrupted."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional, Union

from tekflow.compiler import tekton

from . import ownership
from .executor import Execution
from .kfp_outputs import mark_condition_skips, typed_outputs
from .pipelinerun import is_tekton_file, load_file, resolve
from .result import RunResult

Source = Union[str, Path, tekton.PipelineRun]


def load(source: Source, params: Optional[dict[str, Any]] = None, pipeline_name: Optional[str] = None,
         **compile_options: Any) -> tekton.PipelineRun:
    """A resolved PipelineRun from a Tekton file, a KFP pipeline (.py / IR) or an object.

    For KFP sources `params` are typed pipeline parameters (checked by the compiler); for
    Tekton sources they set the PipelineRun's params.
    """
    return load_with_ir(source, params, pipeline_name, **compile_options)[0]


def load_with_ir(source: Source, params: Optional[dict[str, Any]] = None, pipeline_name: Optional[str] = None,
                 definitions: tuple[Path, ...] = (), **compile_options: Any) -> tuple[tekton.PipelineRun, Optional[str]]:
    """The PipelineRun, and the KFP IR (JSON text) when the source was a KFP pipeline. A Tekton
    file's refs may name Task and Pipeline documents of the `definitions` files too."""
    if isinstance(source, tekton.PipelineRun):
        run = resolve(source)
    elif isinstance(source, (str, os.PathLike)) and is_tekton_file(Path(source)):
        if pipeline_name is not None:
            from tekflow.errors import TekflowError

            raise TekflowError(f"{source}: --pipeline {pipeline_name!r} chooses among the pipelines of a .py file; "
                               "a PipelineRun file holds one run: leave --pipeline out")
        run = load_file(Path(source), tuple(Path(d) for d in definitions))
    else:
        if definitions:
            from tekflow.errors import TekflowError

            raise TekflowError(f"{source}: --tasks is for a PipelineRun file whose taskRefs name Tasks of "
                               "other files; a pipeline compiled here needs none")
        from google.protobuf import json_format

        from tekflow.compiler import Compiler
        from tekflow.compiler import ir as ir_loader

        pipeline_ir = ir_loader.load(source, pipeline_name)
        run = Compiler().compile_to_pipelinerun(pipeline_ir, params or None, **compile_options)
        return resolve(run), json_format.MessageToJson(pipeline_ir.spec, sort_keys=True)
    if params:
        declared = {p.name for p in run.spec.pipeline_spec.params}
        unknown = sorted(set(params) - declared)
        if unknown:
            from tekflow.errors import TekflowError

            raise TekflowError(f"unknown parameter {unknown[0]!r}; the pipeline's parameters are: "
                               f"{', '.join(sorted(declared)) or 'none'}")
        given = {p.name: p for p in run.spec.params}
        for name, value in params.items():
            _check_size(name, value)
            given[name] = tekton.Param(name=name, value=value if isinstance(value, (list, dict)) else str(value))
        run.spec.params = list(given.values())
    return run, None


def run(source: Source, params: Optional[dict[str, Any]] = None, run_dir: Optional[Union[str, Path]] = None,
        max_parallel: Optional[int] = None, on_event: Optional[Callable[[dict], None]] = None,
        timeout: Optional[Union[float, str]] = None, pipeline_name: Optional[str] = None, env: Optional[dict[str, str]] = None,
        execution_hook: Optional[Callable[[Execution], None]] = None, tracking_uri: Optional[str] = None,
        experiment: Optional[str] = None, hooks: Optional[list] = None,
        definitions: tuple[Union[str, Path], ...] = ()) -> RunResult:
    """Run a pipeline here and return its RunResult.

    `timeout` (seconds, or a Go duration like "10m") replaces the PipelineRun's
    `spec.timeouts.pipeline`. With `tracking_uri` (or `hooks`) the run, its tasks, metrics,
    datasets and models are recorded (tekflow.tracking); tracking never fails the run.
    `definitions`: files of Task/Pipeline documents a Tekton source's refs may name.
    Ctrl-C cancels the run cleanly (a second one stops its finally tasks too), then raises
    RunInterrupted, a KeyboardInterrupt that holds the cancelled run's result."""
    _check_arguments(run_dir, max_parallel, timeout)
    pipelinerun, ir_text = load_with_ir(source, params, pipeline_name, tuple(Path(d) for d in definitions))
    name = pipelinerun.metadata.name or (pipelinerun.metadata.generate_name or "run-") + uuid.uuid4().hex[:5]
    pipelinerun.metadata.name = name
    directory = Path(run_dir) if run_dir else Path(os.getcwd()) / "tekflow-runs" / re.sub(r"[^\w.-]", "_", name)
    ownership.recover(directory, tracking_uri)  # a run killed in this directory: Failed, not Running forever
    execution = Execution(pipelinerun, directory, max_parallel=max_parallel, on_event=on_event, env=env,
                          timeout=timeout)
    directory = execution.run_dir  # made absolute
    listener = None
    if tracking_uri or hooks:
        from tekflow.tracking.setup import tracking_listener

        listener = tracking_listener(pipelinerun, execution, directory, source, ir_text, tracking_uri, experiment,
                                     hooks or [])
        execution.on_event = _both(on_event, listener)
    if execution_hook:
        execution_hook(execution)
    started = datetime.now(timezone.utc)
    with _interrupts_cancel(execution) as interrupted:
        result = execution.execute()
    result.outputs = typed_outputs(pipelinerun, name, directory, result.outputs)
    mark_condition_skips(result)
    execution.write_status(result)  # status.json says what the result says: typed outputs, condition skips
    if listener is not None:
        listener.finished(result.status)
        result.tracking_run_id = next((h.parent_run_id for h in listener.hooks.hooks
                                       if getattr(h, "parent_run_id", None)), None)
    result.provenance = _provenance(pipelinerun, source, result, started, tracking_uri)
    if interrupted.is_set():
        raise RunInterrupted(result)
    return result


def _provenance(pipelinerun: tekton.PipelineRun, source: Source, result: RunResult, started: datetime,
                tracking_uri: Optional[str]) -> Optional[Path]:
    """The run's in-toto Statement (tekflow.tracking.provenance) in its directory, and in MLflow
    beside the pipeline's run; None when it produced no artifact. Never fails the run."""
    import json
    import logging

    from tekflow.compiler.serde import to_data
    from tekflow.tracking import provenance

    facts = provenance.RunFacts(
        name=result.name, pipeline=pipelinerun.metadata.labels.get("tekflow.dev/pipeline", result.name),
        executor="local", builder_id="https://tekflow.dev/executor/local", pipelinerun=to_data(pipelinerun.spec),
        parameters={p.name: p.value for p in pipelinerun.spec.params}, status=result.status,
        task_results={name: [task.results] for name, task in result.tasks.items() if task.results},
        started=started, finished=datetime.now(timezone.utc),
        source=Path(source) if isinstance(source, (str, Path)) else None)
    path = result.run_dir / provenance.FILE_NAME
    try:
        data = provenance.write(facts, path)
        if data is not None and result.tracking_run_id and tracking_uri:
            from mlflow import MlflowClient

            MlflowClient(tracking_uri).log_text(result.tracking_run_id, json.dumps(data, indent=2, sort_keys=True),
                                                provenance.FILE_NAME)
    except Exception as e:  # provenance is a record of the run, never a reason to fail it
        logging.getLogger("tekflow").warning("the run's provenance statement was not recorded: %s", e)
        return path if path.exists() else None
    return path if data is not None else None


def _check_arguments(run_dir: Any, max_parallel: Any, timeout: Any) -> None:
    """The run's own arguments, checked before anything is loaded or written."""
    import math

    from tekflow.errors import TekflowError

    from .taskrun import parse_duration

    if max_parallel is not None and (isinstance(max_parallel, bool) or not isinstance(max_parallel, int)
                                     or max_parallel < 1):
        raise TekflowError(f"max_parallel {max_parallel!r}: give a whole number of TaskRuns, at least 1")
    if isinstance(timeout, str):
        try:
            parse_duration(timeout)
        except ValueError:
            raise TekflowError(f"timeout {timeout!r}: not a duration (e.g. 90s, 10m, 1h30m)") from None
    elif timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                  or math.isnan(timeout) or timeout < 0):
        raise TekflowError(f"timeout {timeout!r}: give seconds (0 for none) or a duration such as 10m")
    if run_dir is not None and Path(run_dir).exists() and not Path(run_dir).is_dir():
        raise TekflowError(f"run directory {run_dir}: exists and is not a directory; give a directory")


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run, raised once the run has stopped cleanly (running steps killed, finally
    tasks run, status written and tracked): a caller (a test suite, a notebook) stops as Python's
    KeyboardInterrupt would make it; `result` is the cancelled run's RunResult."""

    def __init__(self, result: RunResult) -> None:
        super().__init__(f"run {result.name} was cancelled")
        self.result = result


def _check_size(name: str, value: Any) -> None:
    """A Tekton param reaches a step as one argument (or one item of an array each)."""
    from tekflow.errors import TekflowError
    from tekflow.runtime.values import size_problem

    items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
    problem = next(filter(None, (size_problem(str(item)) for item in items)), "")
    if problem:
        raise TekflowError(f"parameter {name!r} {problem}; pass larger data as a file (docs/limits.md)")


def _both(first: Optional[Callable[[dict], None]], second: Callable[[dict], None]) -> Callable[[dict], None]:
    def call(event: dict) -> None:
        if first is not None:
            first(event)
        second(event)

    return call


@contextlib.contextmanager
def _interrupts_cancel(execution: Execution):
    """Ctrl-C cancels: running steps are killed, finally tasks run; a second Ctrl-C stops those too.
    Yields an Event that is set when Ctrl-C was pressed."""
    interrupted = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return

    def on_interrupt(signum, frame):
        interrupted.set()
        execution.cancel()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)
