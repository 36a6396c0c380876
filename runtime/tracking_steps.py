"""The launcher's side of in-cluster tracking (compile option `tracking_uri`).

Everything here is best effort: it logs and returns, never failing a step; events that cannot
reach MLflow are spooled under the artifact store (a `file://` store) for `tekflow tracking sync`.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any, Optional

from .launch import Launch

log = logging.getLogger("tekflow.tracking")

SPOOL = "_tekflow_tracking_spool"
TEKTON_STATUS = {"Succeeded": "Succeeded", "Completed": "Succeeded", "Failed": "Failed", "None": "Failed"}


def _hook(launch: Launch, io_dir: Optional[str] = None):
    from tekflow.tracking.mlflow_hook import MLflowHook

    if launch.store.is_local:
        spool = Path(launch.store.local_path(f"{launch.root.rstrip('/')}/{launch.run}/{SPOOL}"))
    else:  # a remote store: the spool lives only as long as the step's scratch space
        spool = Path(io_dir or ".") / SPOOL
    return MLflowHook(os.environ["TEKFLOW_TRACKING_URI"], spool, experiment=os.environ.get("TEKFLOW_EXPERIMENT"))


def _run_info(launch: Launch, run_uid: str, params: Optional[dict[str, Any]] = None):
    from tekflow.tracking.events import RunInfo

    return RunInfo(pipeline=launch.spec["pipeline"], run_name=launch.run, run_uid=run_uid or launch.run,
                   params=params or {}, experiment=os.environ.get("TEKFLOW_EXPERIMENT"))


def record_task(launch: Launch, state: Optional[dict[str, Any]], manifest: dict[str, Any], status: str,
                run_uid: str, retry_count: int) -> None:
    try:
        from tekflow.tracking.task_events import task_event

        state = state or {}
        resolver = launch.resolver(state.get("coord") or [], state.get("items") or [])
        event = task_event(launch.spec, run_uid or launch.run, state, manifest, resolver, status,
                           state.get("started"), time.time(), retry_count)
        _hook(launch).task_finished(_run_info(launch, run_uid), event)
    except Exception as e:  # tracking never fails a task
        print(f"tekflow launcher: tracking skipped: {e}", file=sys.stderr)


def track_start(launch: Launch, run_uid: str) -> int:
    try:
        from tekflow.tracking.events import unpack_documents

        params = {name: launch.params.get(name, "") for name in launch.spec.get("params", [])}
        info = _run_info(launch, run_uid, params)
        info.started = time.time()
        # what the compiler knew: the source's git commit/branch, the IR and the PipelineRun
        info.tags.update(launch.spec.get("tags") or {})
        info.documents = unpack_documents(launch.spec.get("documents"))
        _hook(launch).pipeline_started(info)
    except Exception as e:
        print(f"tekflow launcher: tracking skipped: {e}", file=sys.stderr)
    return 0


def track_finish(launch: Launch, run_uid: str) -> int:
    try:
        info = _run_info(launch, run_uid)
        info.status = TEKTON_STATUS.get(launch.params.get("tekflow-status", ""), "Failed")
        info.finished = time.time()
        _hook(launch).pipeline_finished(info)
    except Exception as e:
        print(f"tekflow launcher: tracking skipped: {e}", file=sys.stderr)
    return 0
