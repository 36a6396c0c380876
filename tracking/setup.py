"""Wire tracking into a local run: the MLflow hook (spooling into the run directory), user hooks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from tekflow.compiler import tekton
from tekflow.compiler.emit import to_yaml

from .ci import ci_tags
from .events import RunInfo, git_tags
from .hooks import Hook, HookSet, user_hooks
from .local_listener import TrackingListener
from .spool import SPOOL_DIR


def default_tracking_uri() -> str:
    """MLFLOW_TRACKING_URI, else a SQLite store `mlflow.db` in the working directory."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{Path.cwd() / 'mlflow.db'}"


def tracking_listener(run: tekton.PipelineRun, execution, run_dir: Path, source: Any, ir_text: Optional[str],
                      tracking_uri: Optional[str], experiment: Optional[str], extra: list[Hook]) -> TrackingListener:
    annotations = run.metadata.annotations or {}
    params = {p.name: p.default for p in run.spec.pipeline_spec.params if p.default is not None}
    params.update({p.name: p.value for p in run.spec.params})
    described = str(source) if isinstance(source, (str, os.PathLike)) else f"python:{getattr(source, 'name', 'object')}"
    tags = {**ci_tags(), "tekflow.source": described}
    if isinstance(source, (str, os.PathLike)) and Path(source).exists():
        tags.update(git_tags(str(Path(source).resolve().parent)))
    documents = {"pipelinerun.yaml": to_yaml(run)}
    if ir_text:
        documents["pipeline_ir.json"] = ir_text
    info = RunInfo(pipeline=annotations.get("tekflow.dev/pipeline-name") or execution.name, run_name=execution.name,
                   run_uid=execution.uid, params=params, experiment=experiment, tags=tags, documents=documents)
    hooks: list[Hook] = []
    if tracking_uri:
        from .client import check_tracking_uri
        from .mlflow_hook import MLflowHook
        from .run_record import write_run_record

        check_tracking_uri(tracking_uri)
        write_run_record(run_dir, tracking_uri, info)  # lets a later run close this one if it is killed
        hooks.append(MLflowHook(tracking_uri, run_dir / SPOOL_DIR, experiment=experiment))
    listener = TrackingListener(run, info, HookSet([*hooks, *user_hooks(), *extra]), run_dir)
    listener.execution = execution
    return listener
