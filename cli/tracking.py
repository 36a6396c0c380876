"""`tekflow tracking sync` and `tekflow lineage`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import click

from tekflow.cli.main import user_errors
from tekflow.redact import redact
from tekflow.tracking.events import PROCESS_KILLED


@click.group("tracking")
def tracking_group() -> None:
    """Tracking in MLflow: replay what could not be recorded."""


@tracking_group.command("sync")
@click.option("--spool-dir", "spool_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="A spool directory (repeatable; default: every tekflow-runs/*/tracking-spool here).")
@click.option("--tracking-uri", metavar="URI",
              help="Replay to this MLflow (default: the URI each event was meant for).")
@click.option("--output", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def sync_command(spool_dirs: tuple[Path, ...], tracking_uri: Optional[str], output_format: str) -> None:
    """Replay events spooled while MLflow was unreachable, in order and without duplicates,
    to the tracking URI they were meant for (or --tracking-uri).

    A run whose `tekflow run` process was killed is first marked Failed (ProcessKilled) in its
    status.json, and its MLflow run is closed KILLED.

    Exit code 0 when everything was replayed, 1 when some runs are still spooled.
    """
    from tekflow.local.ownership import recover
    from tekflow.tracking.client import check_tracking_uri
    from tekflow.tracking.spool import SPOOL_DIR
    from tekflow.tracking.sync import sync

    if tracking_uri:
        check_tracking_uri(tracking_uri)
    # the runs these spools belong to (a spool's parent is its run directory), or every run here
    run_dirs = [d.parent for d in spool_dirs] or sorted(d for d in Path.cwd().glob("tekflow-runs/*") if d.is_dir())
    killed = [status["name"] for status in (recover(d, deliver=False) for d in run_dirs) if status]
    directories = list(spool_dirs) or sorted(Path.cwd().glob(f"tekflow-runs/*/{SPOOL_DIR}"))
    totals = {"runs": 0, "events": 0, "failed": {}, "tracking_uris": set()}
    for directory in directories:
        report = sync(directory, tracking_uri)
        totals["runs"] += report.runs
        totals["events"] += report.events
        totals["failed"].update(report.failed)
        totals["tracking_uris"] |= report.tracking_uris
    totals["tracking_uris"] = sorted(totals["tracking_uris"])
    if killed:
        totals["killed"] = killed  # runs found dead, now Failed / KILLED
    if output_format == "json":
        click.echo(redact(json.dumps(totals, sort_keys=True)))
    else:
        targets = ", ".join(totals["tracking_uris"])
        click.echo(f"replayed {totals['events']} events of {totals['runs']} runs" + (f" to {targets}" if targets else ""),
                   err=True)
        for name in killed:
            click.echo(f"run {name}: its tekflow run process was killed; marked Failed ({PROCESS_KILLED})", err=True)
        for run_uid, error in sorted(totals["failed"].items()):
            click.echo(redact(f"still spooled: run {run_uid}: {error}"), err=True)
    sys.exit(1 if totals["failed"] else 0)


@click.command("lineage")
@click.argument("ref")
@click.option("--tracking-uri", metavar="URI", help="MLflow tracking URI (default: as for tekflow run).")
@click.option("--output", "output_format", type=click.Choice(["text", "json", "mermaid"]), default="text",
              show_default=True)
@user_errors
def lineage_command(ref: str, tracking_uri: Optional[str], output_format: str) -> None:
    """Print what produced REF: a pipeline or task run id, a model (models:/ID or its URI), or an
    artifact URI — datasets, tasks, parameters and models, upstream."""
    from tekflow.tracking.lineage import lineage
    from tekflow.tracking.setup import default_tracking_uri

    graph = lineage(ref, tracking_uri or default_tracking_uri())
    click.echo({"text": graph.to_text, "json": graph.to_json, "mermaid": graph.to_mermaid}[output_format]())
