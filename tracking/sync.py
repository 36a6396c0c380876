"""`tekflow tracking sync`: replay spooled events to MLflow, in order, without duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .mlflow_hook import MLflowHook


@dataclass
class SyncReport:
    runs: int = 0
    events: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # run uid -> error, left spooled

    def to_dict(self) -> dict:
        return {"runs": self.runs, "events": self.events, "failed": self.failed}


def sync(spool_dir: Path, tracking_uri: str, experiment: str | None = None, timeout_s: float = 10.0) -> SyncReport:
    hook = MLflowHook(tracking_uri, spool_dir, experiment=experiment, timeout_s=timeout_s)
    report = SyncReport()
    for run_uid in hook.spool.runs():
        try:
            count = 0
            for _, kind, payload in hook.spool.events(run_uid):
                hook.apply(kind, payload)  # idempotent: events applied before a failure are skipped
                count += 1
        except Exception as e:
            report.failed[run_uid] = str(e)
            continue
        hook.spool.done(run_uid)
        report.runs += 1
        report.events += count
    return report
