"""What a run directory keeps of its MLflow run (`tracking.json`: the tracking URI without
credentials and the run's identity), so that a run whose `tekflow run` process was killed can
still be closed in MLflow by whoever finds it dead (tekflow.local.ownership)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Optional

from tekflow.redact import without_credentials

from .events import PROCESS_KILLED, RunInfo
from .spool import SPOOL_DIR, Spool

RUN_RECORD = "tracking.json"


def write_run_record(run_dir: Path, tracking_uri: str, info: RunInfo) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    light = {**info.to_dict(), "documents": {}}
    temporary = run_dir / f".{RUN_RECORD}.{os.getpid()}"
    temporary.write_text(json.dumps({"tracking_uri": without_credentials(tracking_uri), "run": light},
                                    sort_keys=True))
    os.replace(temporary, run_dir / RUN_RECORD)


def close_killed_run(run_dir: Path, tracking_uri: Optional[str], deliver: bool) -> None:
    """Close the MLflow run of the killed run in `run_dir` as KILLED (status Failed, reason
    ProcessKilled). With `deliver`, now (through the MLflow hook: queued behind the run's spooled
    events, spooled itself when MLflow is down); else only spooled, for `tekflow tracking sync`.
    `tracking_uri` is used when it names the recorded store (it may carry the credentials the
    record lacks); otherwise the recorded URI is."""
    try:
        record = json.loads((run_dir / RUN_RECORD).read_text())
    except (OSError, ValueError):
        return  # the run was not tracked in MLflow
    info = RunInfo.from_dict(record["run"])
    info.status, info.reason, info.finished = "Failed", PROCESS_KILLED, time.time()
    recorded = record["tracking_uri"]
    uri = tracking_uri if tracking_uri and without_credentials(tracking_uri) == recorded else recorded
    if deliver:
        from .mlflow_hook import MLflowHook

        MLflowHook(uri, run_dir / SPOOL_DIR).pipeline_finished(info)
    else:
        Spool(run_dir / SPOOL_DIR).append(info.run_uid, "pipeline_finished", {"run": info.to_dict()}, recorded)
