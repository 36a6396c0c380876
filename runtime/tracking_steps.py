"""The launcher's side of in-cluster tracking (compile option `tracking_uri`).

Everything here is best effort: it logs and returns, never failing a step; events that cannot
reach MLflow are spooled under the artifact store (a `file://` store) for `tekflow tracking sync`.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from datetime import datetime, timezone
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


def _params(launch: Launch) -> dict[str, Any]:
    return {name: launch.params.get(name, "") for name in launch.spec.get("params", [])}


def _statement(launch: Launch, run_uid: str, info: Any) -> Optional[str]:
    """The run's in-toto Statement (tekflow.tracking.provenance) from its manifests in the store,
    loop iterations included; None when it made no artifact."""
    import json

    from tekflow.tracking import provenance

    facts = provenance.RunFacts(
        name=launch.run, uid=run_uid, pipeline=launch.spec["pipeline"], executor="tekton",
        builder_id="https://tekflow.dev/executor/tekton", parameters=_params(launch), status=info.status,
        artifacts=provenance.manifest_artifacts(launch.store, launch.root, launch.run),
        git_commit=(launch.spec.get("tags") or {}).get("mlflow.source.git.commit"),
        finished=datetime.fromtimestamp(info.finished, timezone.utc))
    data = provenance.statement(facts)
    return None if data is None else json.dumps(data, indent=2, sort_keys=True)


def track_start(launch: Launch, run_uid: str) -> int:
    try:
        from tekflow.tracking.events import unpack_documents

        params = _params(launch)
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
        from tekflow.tracking import provenance

        info = _run_info(launch, run_uid)
        info.status = TEKTON_STATUS.get(launch.params.get("tekflow-status", ""), "Failed")
        info.finished = time.time()
        hook = _hook(launch)
        statement = _statement(launch, run_uid, info)
        if statement is not None:  # one more document of the pipeline's run: pipeline_started is idempotent
            started = _run_info(launch, run_uid, _params(launch))
            started.documents = {provenance.FILE_NAME: statement}
            hook.pipeline_started(started)
        hook.pipeline_finished(info)
    except Exception as e:
        print(f"tekflow launcher: tracking skipped: {e}", file=sys.stderr)
    return 0
