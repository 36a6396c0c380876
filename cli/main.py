"""The ``tekflow`` command."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from tekflow import __version__
from tekflow.errors import TekflowError
from tekflow.redact import install as mask_credentials
from tekflow.redact import redact


# sysexits.h's EX_SOFTWARE: a bug of tekflow's, never one of the outcomes CI reads (0-3)
EXIT_INTERNAL = 70


def echo_error(message: str) -> None:
    """The one `error:` line, credentials masked."""
    click.echo(f"error: {redact(message)}", err=True)


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a TekflowError into one line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mask_credentials()  # in log lines and warnings of tekflow and the libraries it calls
        try:
            return func(*args, **kwargs)
        except TekflowError as e:
            echo_error(str(e))
            sys.exit(e.exit_code)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:  # a bug of tekflow's, not the user's: still one readable line
            if isinstance(e, OSError) and e.filename is not None:  # a path the user gave, unusable
                echo_error(f"{e.filename}: {e.strerror}")
                sys.exit(2)
            if os.environ.get("TEKFLOW_DEBUG"):
                raise
            echo_error(f"internal error ({type(e).__name__}: {e}); "
                       "run again with TEKFLOW_DEBUG=1 for the traceback and report it")
            sys.exit(EXIT_INTERNAL)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="tekflow")
def cli() -> None:
    """Compile Kubeflow Pipelines v2 pipelines to Tekton, run them, and track them in MLflow."""


@cli.command("compile")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the YAML documents here (default: stdout).")
@click.option("--pipeline", "pipeline_name", metavar="NAME",
              help="Which @dsl.pipeline of a .py file (function or pipeline name) when it has several.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Set a pipeline parameter on the PipelineRun (repeatable; typed by the pipeline).")
@click.option("--pipeline-root", metavar="URI",
              help="Artifact store root (s3://…, gs://…, file://…). Default: a per-run PVC workspace.")
@click.option("--launcher-image", metavar="IMAGE", help="Image with tekflow installed, for the launcher steps.")
@click.option("--run-name", metavar="NAME", help="metadata.name of the PipelineRun (default: generateName).")
@click.option("-n", "--namespace", metavar="NS", help="metadata.namespace of every object written.")
@click.option("--pvc-size", metavar="SIZE", help="Size of the per-run artifact PVC (default 10Gi).")
@click.option("--storage-class", metavar="NAME", help="StorageClass of the per-run artifact PVC.")
@click.option("--tracking-uri", metavar="URI", help="Record the run in this MLflow from inside the cluster.")
@click.option("--tracking-secret", metavar="SECRET",
              help="Secret whose keys become the launcher's environment (MLFLOW_TRACKING_TOKEN, …).")
@click.option("--experiment", metavar="NAME", help="MLflow experiment (default: the pipeline's name).")
@click.option("--profile", metavar="NAME|FILE",
              help="Cluster profile for GPU hints: gfd (default), gke, eks, or a profile YAML file.")
@click.option("--gang-scheduler", type=click.Choice(["kueue", "volcano", "coscheduling"]),
              help="How gangs (dsl.schedule(gang=...)) start together (default: the profile's, kueue).")
@click.option("--timeout", metavar="DURATION",
              help="The run's timeout (2h, 90m, 1h30m; 0: none). Default: Tekton's, 60 minutes.")
@click.option("--service-account", metavar="NAME",
              help="ServiceAccount of the run's pods (e.g. with the pipeline root's credentials).")
@click.option("--kind", type=click.Choice(["pipelinerun", "pipeline"]),
              help="pipelinerun (default): one run, for kubectl create. pipeline: a reusable Pipeline for "
                   "kubectl apply, started by `tekflow submit --pipeline-ref NAME -p …` or `tkn pipeline start`; "
                   "-p values become its defaults.")
@click.option("--name", metavar="NAME", help="With --kind pipeline: the Pipeline's name (default: the pipeline's).")
@click.option("--schedule", metavar="CRON",
              help="Also write a CronJob (with its ServiceAccount, Role and RoleBinding) that starts a run of the "
                   "Pipeline on this cron schedule, e.g. '0 2 * * *' (implies --kind pipeline).")
@click.option("--emit", "emit", multiple=True, type=click.Choice(["triggers", "schedule"]),
              help="Also write: triggers (Tekton Triggers TriggerTemplate, TriggerBinding and EventListener "
                   "starting a run on a git push, with its RBAC), schedule (with --schedule). Implies --kind "
                   "pipeline.")
@click.option("--bind", "bindings", multiple=True, metavar="PARAM=FIELD",
              help="With --emit triggers: a pipeline parameter's value from the push: revision, ref, repository "
                   "or a Triggers expression like '$(body.head_commit.message)' (repeatable).")
@click.option("--webhook-secret", metavar="SECRET",
              help="With --emit triggers: the Secret (key `token`) with the webhook secret GitHub signs with.")
@click.option("--time-zone", metavar="TZ", help="The time zone of --schedule (e.g. Europe/Berlin; default: the "
                                                "cluster's).")
@click.option("--task-documents", is_flag=True, default=None,
              help="Each task's spec as a Task document the PipelineRun names by taskRef (small PipelineRuns "
                   "for large pipelines); written before the PipelineRun, or to --tasks-output.")
@click.option("--tasks-output", type=click.Path(path_type=Path, dir_okay=False),
              help="With --task-documents: write the Task documents here (kubectl apply -f) and only the "
                   "PipelineRun to -o (kubectl create -f).")
@user_errors
def compile_command(source: Path, output: Path | None, pipeline_name: str | None, params: tuple[str, ...],
                    tasks_output: Path | None, **flags: Any) -> None:
    """Compile SOURCE (a pipeline .py file or a KFP IR file) to a Tekton v1 PipelineRun, or with
    --kind pipeline to a reusable Pipeline."""
    from tekflow.cli.outputs import write_file, write_stdout
    from tekflow.compiler import Compiler, tekton
    from tekflow.compiler.emit import to_yaml_documents
    from tekflow.compiler.parameters import parse_assignments

    if tasks_output is not None and not flags.get("task_documents"):
        raise TekflowError("--tasks-output needs --task-documents")
    emit, bindings = set(flags.pop("emit")), flags.pop("bindings")
    if "schedule" in emit and flags.get("schedule") is None:
        raise TekflowError("--emit schedule needs the schedule: --schedule '0 2 * * *' (cron, e.g. every night at 2)")
    options = {k: v for k, v in flags.items() if v is not None}
    if "triggers" in emit:
        options["triggers"] = True
    if bindings:
        options["bindings"] = parse_assignments(list(bindings), "--bind")
    compiler = Compiler()
    documents = compiler.compile_to_documents(source, parse_assignments(list(params)), pipeline_name, **options)
    for warning in compiler.warnings:
        click.echo(f"warning: {warning}", err=True)
    if tasks_output is not None:
        tasks = [d for d in documents if isinstance(d, tekton.Task)]
        documents = [d for d in documents if not isinstance(d, tekton.Task)]
        write_file(tasks_output, to_yaml_documents(tasks))
        click.echo(f"wrote {tasks_output} ({len(tasks)} Tasks)", err=True)
    pipeline = next((d for d in documents if isinstance(d, tekton.Pipeline)), None)
    if pipeline is not None:
        from tekflow.compiler.reusable import start_hint

        click.echo(start_hint(pipeline), err=True)
    text = to_yaml_documents(documents)
    if output is None:
        write_stdout(text)
    else:
        write_file(output, text)
        click.echo(f"wrote {output}", err=True)


def _register() -> None:
    from tekflow.cli.run import run_command
    from tekflow.cli.tracking import lineage_command, tracking_group

    cli.add_command(run_command)
    cli.add_command(tracking_group)
    cli.add_command(lineage_command)
    from tekflow.cli.cluster_commands import COMMANDS as cluster_commands  # submit, wait, get, list, logs, cancel

    for command in cluster_commands:
        cli.add_command(command)


def main() -> None:
    _register()
    try:
        code = cli.main(prog_name="tekflow", standalone_mode=False)
    except click.UsageError as e:  # a mistyped option or value: one line, like every user error
        hint = f" (see {e.ctx.command_path} --help)" if e.ctx is not None else ""
        echo_error(f"{e.format_message()}{hint}")
        sys.exit(2)
    except click.ClickException as e:
        echo_error(e.format_message())
        sys.exit(e.exit_code)
    except click.Abort:  # Ctrl-C outside a run
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
