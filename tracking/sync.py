"""`tekflow tracking sync`: replay spooled events to MLflow, in order, without duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from tekflow.redact import redact

from .mlflow_hook import MLflowHook
from .spool import Spool


@dataclass
class SyncReport:
    runs: int = 0
    events: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # run uid -> error, left spooled
    tracking_uris: set[str] = field(default_factory=set)  # where events went

    def to_dict(self) -> dict:
        return {"runs": self.runs, "events": self.events, "failed": self.failed,
                "tracking_uris": sorted(self.tracking_uris)}


def sync(spool_dir: Path, tracking_uri: Optional[str] = None, experiment: str | None = None,
         timeout_s: float = 10.0) -> SyncReport:
    """Replay every spooled run. Each event goes to `tracking_uri` when given, else to the URI
    it was spooled for, else (a spool written before URIs were recorded) to the default URI."""
    from .setup import default_tracking_uri

    spool = Spool(spool_dir)
    hooks: dict[str, MLflowHook] = {}
    report = SyncReport()
    for run_uid in spool.runs():
        try:
            count = 0
            for _, kind, payload, spooled_uri in spool.events(run_uid):
                uri = tracking_uri or spooled_uri or default_tracking_uri()
                if uri not in hooks:
                    hooks[uri] = MLflowHook(uri, spool_dir, experiment=experiment, timeout_s=timeout_s)
                hooks[uri].apply(kind, payload)  # idempotent: events applied before a failure are skipped
                report.tracking_uris.add(redact(uri))
                count += 1
        except Exception as e:
            report.failed[run_uid] = redact(str(e))
            continue
        spool.done(run_uid)
        report.runs += 1
        report.events += count
    return report
