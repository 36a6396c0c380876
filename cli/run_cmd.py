"""`tekflow run SOURCE`: run a Tekton v1 PipelineRun on this machine; exit 0 succeeded,
1 failed or cancelled, 2 usage error."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import click

from tekflow.cli.main import user_errors
from tekflow.compiler import tekton
from tekflow.errors import TekflowError


def load_pipelinerun(source: Path, params: dict[str, str]) -> tekton.PipelineRun:
    """The PipelineRun SOURCE names, refs resolved, with the `-p` values set.

    The one place that knows what SOURCE may be: a Tekton YAML file (a PipelineRun, and the
    Pipeline and Tasks it references by name). A compile-first loader for KFP sources
    replaces this function.
    """
    from tekflow.local import api
    from tekflow.local.pipelinerun import is_tekton_file

    if not source.exists():
        raise TekflowError(f"{source}: no such file")
    if not is_tekton_file(source):
        raise TekflowError(f"{source}: not a Tekton YAML file (apiVersion tekton.dev/v1); "
                           "compile a pipeline first with `tekflow compile`")
    return api.load(source, {name: _tekton_value(value) for name, value in params.items()})


def _tekton_value(text: str) -> Any:
    """A JSON array or object stays one (array and object params); anything else is a string."""
    if text.startswith(("[", "{")):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
    return text


def _assignments(params: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise TekflowError(f"-p {item!r}: expected NAME=VALUE")
        out[name] = value
    return out


class OneLineUsageErrors(click.Command):
    """Usage mistakes as one `error: …` line and exit code 2, like every other user error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as e:
            click.echo(f"error: {e.format_message()}", err=True)
            ctx.exit(2)


@click.command("run", cls=OneLineUsageErrors)
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Set a PipelineRun param (repeatable); a JSON array or object gives an array or object param.")
@click.option("--run-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where status.json, logs and workspaces go (default: ./tekflow-runs/<run name>).")
@click.option("--max-parallel", type=click.IntRange(min=1), metavar="N",
              help="Run at most N TaskRuns at once (default: the number of cores).")
@click.option("--timeout", metavar="DURATION", help="The pipeline's timeout (e.g. 90s, 10m); replaces "
              "spec.timeouts.pipeline.")
@click.option("--output", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: exactly one JSON object on stdout (status, tasks, outputs).")
@user_errors
def run_command(source: Path, params: tuple[str, ...], run_dir: Optional[Path], max_parallel: Optional[int],
                timeout: Optional[str], output_format: str) -> None:
    """Run SOURCE, a Tekton v1 PipelineRun YAML, here: each step a local process.

    Text output shows the tasks as they start and finish (a live table on a terminal) and a
    summary; logs are under RUN_DIR/tasks/TASK/STEP.log.
    """
    from tekflow import local
    from tekflow.local.progress import print_summary, progress_for
    from tekflow.local.taskrun import parse_duration

    if timeout is not None:
        try:
            parse_duration(timeout)
        except ValueError:
            raise TekflowError(f"--timeout {timeout!r}: not a duration (e.g. 90s, 10m, 1h30m)") from None
    pipelinerun = load_pipelinerun(source, _assignments(params))
    progress = progress_for(sys.stderr, quiet=output_format == "json")
    try:
        result = local.run(pipelinerun, run_dir=run_dir, max_parallel=max_parallel, on_event=progress,
                           timeout=timeout)
    finally:
        if progress is not None:
            progress.close()
    if output_format == "json":
        click.echo(json.dumps({"status": result.status, "reason": result.reason,
                               "tasks": {name: {"status": t.status, "reason": t.reason, "duration_s": t.duration_s}
                                         for name, t in result.tasks.items()},
                               "outputs": result.outputs, "run_dir": str(result.run_dir)}, sort_keys=True))
    else:
        print_summary(result)
    sys.exit(0 if result.succeeded else 1)
