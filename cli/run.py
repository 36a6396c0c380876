"""`tekflow run`: compile if needed, run on this machine, report; exit 0/1/2."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import click

from tekflow.cli.main import user_errors
from tekflow.errors import TekflowError
from tekflow.redact import redact, without_credentials


@click.command("run")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A pipeline parameter (repeatable; typed by the pipeline for .py and IR sources).")
@click.option("--pipeline", "pipeline_name", metavar="NAME", help="Which @dsl.pipeline of a .py file.")
@click.option("--run-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where logs, workspaces and artifacts go (default: ./tekflow-runs/<run name>).")
@click.option("--max-parallel", type=click.IntRange(min=1), metavar="N",
              help="Run at most N TaskRuns at once (default: the number of cores).")
@click.option("--tracking-uri", metavar="URI",
              help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI, else sqlite:///mlflow.db here).")
@click.option("--no-tracking", is_flag=True, help="Do not record the run in MLflow.")
@click.option("--experiment", metavar="NAME", help="MLflow experiment (default: the pipeline's name).")
@click.option("--tasks", "definitions", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="A file of Task (or Pipeline) documents the PipelineRun's refs name, as `tekflow compile "
                   "--tasks-output` writes (repeatable).")
@click.option("--timeout", metavar="DURATION",
              help="The pipeline's timeout (e.g. 90s, 10m); replaces spec.timeouts.pipeline.")
@click.option("--output", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON object on stdout (status, reason, tasks, outputs) for CI.")
@user_errors
def run_command(source: Path, params: tuple[str, ...], pipeline_name: Optional[str], run_dir: Optional[Path],
                max_parallel: Optional[int], tracking_uri: Optional[str], no_tracking: bool, experiment: Optional[str],
                definitions: tuple[Path, ...], timeout: Optional[str], output_format: str) -> None:
    """Run SOURCE on this machine: a pipeline .py file, a KFP IR file or a Tekton PipelineRun YAML.

    The run is recorded in MLflow (see --tracking-uri; --no-tracking turns it off); when MLflow
    cannot be reached the events are kept in the run directory for `tekflow tracking sync`.
    Exit code 0 when the run succeeded, 1 when it failed or was cancelled, 2 on a usage error.
    """
    from tekflow.compiler.parameters import parse_assignments, tekton_value
    from tekflow.local import api
    from tekflow.local.pipelinerun import is_tekton_file
    from tekflow.local.progress import print_summary, progress_for
    from tekflow.tracking.spool import SPOOL_DIR, replay_command

    assignments: dict[str, Any] = parse_assignments(list(params))
    if is_tekton_file(source):
        assignments = {k: tekton_value(v) for k, v in assignments.items()}
    progress = progress_for(sys.stderr)
    try:
        if not no_tracking:
            from tekflow.tracking.setup import default_tracking_uri

            tracking_uri = tracking_uri or default_tracking_uri()
        try:
            result = api.run(source, assignments, run_dir=run_dir, max_parallel=max_parallel, on_event=progress,
                             pipeline_name=pipeline_name, tracking_uri=None if no_tracking else tracking_uri,
                             experiment=experiment, timeout=timeout, definitions=definitions)
        except api.RunInterrupted as interrupted:  # Ctrl-C: the run stopped cleanly; report it, exit 1
            result = interrupted.result
    finally:
        if progress is not None:
            progress.close()
    if output_format == "json":
        click.echo(json.dumps({"status": result.status, "reason": result.reason,
                               "tasks": {n: {"status": t.status, "reason": t.reason, "message": t.message,
                                             "duration_s": t.duration_s}
                                         for n, t in result.tasks.items()},
                               "outputs": result.outputs, "run_dir": str(result.run_dir),
                               "tracking_run_id": result.tracking_run_id,
                               "provenance": str(result.provenance) if result.provenance else None},
                              sort_keys=True))
    else:
        print_summary(result)
    # on stderr, so with --output json too
    if result.tracking_run_id:
        click.echo(f"tracked in {redact(tracking_uri)} as run {result.tracking_run_id} "
                   f"(tekflow lineage {result.tracking_run_id})", err=True)
    elif not no_tracking:
        spool = Path(result.run_dir).absolute() / SPOOL_DIR
        credentials = "" if without_credentials(tracking_uri) == tracking_uri else \
            " with MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD set: the spool keeps no credentials"
        click.echo(f"tracking: MLflow at {redact(tracking_uri)} was not reached; events kept in {spool} "
                   f"(replay them: {replay_command(spool)}{credentials})", err=True)
    sys.exit(0 if result.succeeded else 1)
