"""`tekflow.local.run(...)`: load, resolve, execute; Ctrl-C cancels cleanly."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import uuid
from pathlib import Path
from typing import Any, Callable, Optional, Union

from tekflow.compiler import tekton

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
    if isinstance(source, tekton.PipelineRun):
        run = resolve(source)
    elif is_tekton_file(Path(source)):
        run = load_file(Path(source))
    else:
        from tekflow.compiler import Compiler

        run = Compiler().compile_to_pipelinerun(source, params or None, pipeline_name, **compile_options)
        return resolve(run)
    if params:
        declared = {p.name for p in run.spec.pipeline_spec.params}
        unknown = sorted(set(params) - declared)
        if unknown:
            from tekflow.errors import TekflowError

            raise TekflowError(f"unknown parameter {unknown[0]!r}; the pipeline's parameters are: "
                               f"{', '.join(sorted(declared)) or 'none'}")
        given = {p.name: p for p in run.spec.params}
        for name, value in params.items():
            given[name] = tekton.Param(name=name, value=value if isinstance(value, (list, dict)) else str(value))
        run.spec.params = list(given.values())
    return run


def run(source: Source, params: Optional[dict[str, Any]] = None, run_dir: Optional[Union[str, Path]] = None,
        max_parallel: Optional[int] = None, on_event: Optional[Callable[[dict], None]] = None,
        pipeline_name: Optional[str] = None, env: Optional[dict[str, str]] = None,
        execution_hook: Optional[Callable[[Execution], None]] = None) -> RunResult:
    pipelinerun = load(source, params, pipeline_name)
    name = pipelinerun.metadata.name or (pipelinerun.metadata.generate_name or "run-") + uuid.uuid4().hex[:5]
    pipelinerun.metadata.name = name
    directory = Path(run_dir) if run_dir else Path(os.getcwd()) / "tekflow-runs" / re.sub(r"[^\w.-]", "_", name)
    execution = Execution(pipelinerun, directory, max_parallel=max_parallel, on_event=on_event, env=env)
    if execution_hook:
        execution_hook(execution)
    with _interrupts_cancel(execution):
        result = execution.execute()
    result.outputs = typed_outputs(pipelinerun, name, directory, result.outputs)
    mark_condition_skips(pipelinerun, result)
    return result


@contextlib.contextmanager
def _interrupts_cancel(execution: Execution):
    """Ctrl-C cancels: running steps are killed, finally tasks run; a second Ctrl-C stops those too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_interrupt(signum, frame):
        execution.cancel()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
