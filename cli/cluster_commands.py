"""`tekflow submit`, `wait`, `get`, `list`, `logs`, `cancel`: runs on a Kubernetes cluster with Tekton.

Exit codes of submit --wait and wait: 0 succeeded, 1 failed, 2 usage or API error (and a run
Tekton refused), 3 timed out (--timeout) or cancelled.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

import click

from tekflow.cli.main import user_errors
from tekflow.errors import TekflowError

EXIT_TIMEOUT = 3


def _cluster_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """-n, --kubeconfig, --context: where the cluster is."""
    func = click.option("--context", metavar="NAME", help="The kubeconfig context (default: its current context).")(func)
    func = click.option("--kubeconfig", metavar="FILE", envvar=None,
                        help="The kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else the pod's service "
                             "account).")(func)
    func = click.option("-n", "--namespace", metavar="NS",
                        help="The namespace (default: the context's namespace, else default).")(func)
    return func


def _output_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--output", "output_format", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="json: one JSON object on stdout, for CI.")(func)


def _api_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Errors of the Kubernetes client that escaped the cluster module's translation: one line, exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from urllib3.exceptions import HTTPError

        try:
            return func(*args, **kwargs)
        except HTTPError as e:
            from tekflow.cluster.errors import connection_reason

            raise TekflowError(f"the Kubernetes API could not be reached: {connection_reason(e)}") from None

    return wrapper


def _connect(kubeconfig: Optional[str], context: Optional[str]):
    from tekflow.cluster.client import Cluster
    from tekflow.cluster.config import connect

    connection = connect(kubeconfig, context)
    if connection.insecure:
        click.echo(f"warning: TLS verification of {connection.server} is off (insecure-skip-tls-verify in "
                   "the kubeconfig)", err=True)
    return Cluster(connection)


def _duration(text: Optional[str], option: str = "--timeout") -> Optional[float]:
    if text is None:
        return None
    from tekflow.local.taskrun import parse_duration

    try:
        seconds = parse_duration(text)
    except ValueError:
        raise TekflowError(f"{option} {text!r}: not a duration (e.g. 90s, 10m, 1h30m)") from None
    return None if seconds == float("inf") else seconds


# -- submit and wait -------------------------------------------------------------------


@click.command("submit")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, exists=False), required=False)
@click.option("--pipeline-ref", metavar="NAME",
              help="Start a run of the Pipeline NAME already on the cluster (tekflow compile --kind pipeline), "
                   "instead of SOURCE.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A pipeline parameter (repeatable; typed by the pipeline for .py and IR sources).")
@click.option("--wait", is_flag=True, help="Follow the run until it ends; the exit code says how it ended.")
@click.option("--timeout", metavar="DURATION",
              help="With --wait: stop waiting after this long (e.g. 30m) and exit 3; the run goes on.")
@click.option("--cancel-on-timeout", is_flag=True, help="With --timeout: cancel the run when the wait times out.")
@click.option("--provenance", type=click.Path(path_type=Path, dir_okay=False),
              help="With --wait: write the run's in-toto Statement (SLSA provenance v1: its artifacts and their "
                   "digests) here.")
@click.option("--junit", type=click.Path(path_type=Path, dir_okay=False),
              help="With --wait: write JUnit XML here (a test case per task, failed steps' log tails).")
@click.option("--pipeline", "pipeline_name", metavar="NAME", help="Which @dsl.pipeline of a .py file.")
@click.option("--pipeline-root", metavar="URI", help="Artifact store root (compile option; default: a per-run PVC).")
@click.option("--launcher-image", metavar="IMAGE", help="Image with tekflow installed (compile option).")
@click.option("--run-name", metavar="NAME", help="metadata.name of the PipelineRun (default: generated).")
@click.option("--run-timeout", metavar="DURATION",
              help="The run's own timeout on the cluster (2h, 90m; 0: none). Default: Tekton's, 60 minutes.")
@click.option("--service-account", metavar="NAME", help="ServiceAccount of the run's pods.")
@_cluster_options
@_output_option
@user_errors
@_api_errors
def submit_command(source: Optional[Path], pipeline_ref: Optional[str], params: tuple[str, ...], wait: bool,
                   timeout: Optional[str], cancel_on_timeout: bool, provenance: Optional[Path],
                   junit: Optional[Path], pipeline_name: Optional[str], pipeline_root: Optional[str],
                   launcher_image: Optional[str], run_name: Optional[str], run_timeout: Optional[str],
                   service_account: Optional[str], namespace: Optional[str],
                   kubeconfig: Optional[str], context: Optional[str], output_format: str) -> None:
    """Submit SOURCE to a cluster: a pipeline .py file or KFP IR file (compiled as `tekflow compile`
    does) or a Tekton PipelineRun YAML (created as it is, with the Task documents it holds); or,
    with --pipeline-ref NAME, start a run of a Pipeline applied earlier.

    The run is labelled with its pipeline, the git commit of SOURCE and the CI run id. Prints the
    run's name. With --wait, live progress on stderr and the exit code of the run: 0 succeeded,
    1 failed, 2 usage or API error or a run Tekton refused, 3 timed out (--timeout) or cancelled.
    """
    from tekflow.cluster import submit as submitting

    if not wait and (timeout or junit or cancel_on_timeout or provenance):
        raise TekflowError("--timeout, --cancel-on-timeout, --junit and --provenance need --wait")
    if cancel_on_timeout and not timeout:
        raise TekflowError("--cancel-on-timeout needs --timeout")
    wait_s = _duration(timeout)
    _run_timeout(run_timeout)
    if (source is None) == (pipeline_ref is None):
        raise TekflowError("give either SOURCE (a pipeline file) or --pipeline-ref NAME (a Pipeline on the cluster)")
    if pipeline_ref is not None:
        if pipeline_name or pipeline_root or launcher_image:
            raise TekflowError("--pipeline, --pipeline-root and --launcher-image apply when compiling; a Pipeline "
                               "on the cluster is already compiled (tekflow compile --kind pipeline takes them)")
        cluster = _connect(kubeconfig, context)
        submission = submitting.prepare_pipeline_ref(cluster, pipeline_ref, list(params), namespace, run_name,
                                                     run_timeout, service_account)
        _submit(cluster, submission, wait, wait_s, cancel_on_timeout, junit, output_format, provenance)
        return
    assert source is not None
    if not source.is_file():
        raise TekflowError(f"{source}: no such file")
    compile_options = {k: v for k, v in {"pipeline_root": pipeline_root, "launcher_image": launcher_image,
                                          "timeout": run_timeout,
                                          "service_account": service_account}.items() if v is not None}
    tekton_file = submitting.is_tekton_yaml(source)
    if tekton_file and (pipeline_root or launcher_image or run_timeout or service_account):
        raise TekflowError(f"{source} is already compiled: --pipeline-root, --launcher-image, --run-timeout and "
                           "--service-account apply when compiling (give `tekflow compile` them)")
    submission = submitting.prepare(source, list(params), namespace, pipeline_name, compile_options,
                                    run_name=run_name)
    for warning in submission.warnings:
        click.echo(f"warning: {warning}", err=True)
    _submit(_connect(kubeconfig, context), submission, wait, wait_s, cancel_on_timeout, junit, output_format,
            provenance, source)


def _run_timeout(text: Optional[str]) -> None:
    """--run-timeout: a Go duration Tekton takes (checked as the compiler checks --timeout)."""
    if text is not None:
        from tekflow.compiler.options import check_run_timeout

        check_run_timeout(text, "--run-timeout")


def _submit(cluster, submission, wait: bool, wait_s: Optional[float], cancel_on_timeout: bool,
            junit: Optional[Path], output_format: str, provenance: Optional[Path] = None,
            source: Optional[Path] = None) -> None:
    from tekflow.cluster import submit as submitting

    submitted = submitting.submit(cluster, submission)
    if not wait:
        if output_format == "json":
            click.echo(json.dumps({"name": submitted.name, "namespace": submitted.namespace, "uid": submitted.uid,
                                   "created": submitted.created,
                                   "labels": submitted.pipelinerun["metadata"].get("labels", {})}, sort_keys=True))
        else:
            click.echo(f"submitted PipelineRun {submitted.name} to namespace {submitted.namespace} on "
                       f"{cluster.server}", err=True)
            click.echo(submitted.name)
        return
    click.echo(f"submitted PipelineRun {submitted.name} to namespace {submitted.namespace}", err=True)
    _follow_and_exit(cluster, submitted.name, submitted.namespace, wait_s, cancel_on_timeout, junit, output_format,
                     provenance, source)


@click.command("wait")
@click.argument("run")
@click.option("--timeout", metavar="DURATION", help="Stop waiting after this long (e.g. 30m) and exit 3.")
@click.option("--cancel-on-timeout", is_flag=True, help="Cancel the run when the wait times out.")
@click.option("--provenance", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the run's in-toto Statement (SLSA provenance v1) here once it ends.")
@click.option("--junit", type=click.Path(path_type=Path, dir_okay=False), help="Write JUnit XML here.")
@_cluster_options
@_output_option
@user_errors
@_api_errors
def wait_command(run: str, timeout: Optional[str], cancel_on_timeout: bool, provenance: Optional[Path],
                 junit: Optional[Path],
                 namespace: Optional[str], kubeconfig: Optional[str], context: Optional[str],
                 output_format: str) -> None:
    """Follow the PipelineRun RUN until it ends, with live progress on stderr.

    Exit code: 0 succeeded, 1 failed, 2 usage or API error or a run Tekton refused, 3 timed out
    (--timeout) or cancelled.
    """
    if cancel_on_timeout and not timeout:
        raise TekflowError("--cancel-on-timeout needs --timeout")
    wait_s = _duration(timeout)
    cluster = _connect(kubeconfig, context)
    _follow_and_exit(cluster, run, namespace or cluster.connection.namespace, wait_s, cancel_on_timeout, junit,
                     output_format, provenance)


def _follow_and_exit(cluster, name: str, namespace: str, wait_s: Optional[float], cancel_on_timeout: bool,
                     junit: Optional[Path], output_format: str, provenance: Optional[Path] = None,
                     source: Optional[Path] = None) -> None:
    from tekflow.cluster.model import EXIT_ERROR
    from tekflow.cluster.watch import Follower
    from tekflow.local.progress import progress_for

    progress = progress_for(sys.stderr)
    started = time.monotonic()
    follower = Follower(cluster, name, namespace, on_event=progress)
    try:
        outcome = follower.follow(wait_s)
    except KeyboardInterrupt:
        follower.stop()
        click.echo(f"stopped waiting; run {name} goes on (tekflow wait {name} -n {namespace}, "
                   f"tekflow cancel {name} -n {namespace})", err=True)
        sys.exit(130)
    finally:
        if progress is not None:
            progress.close()
    state = outcome.state
    waited = time.monotonic() - started
    if outcome.timed_out and cancel_on_timeout:
        from tekflow.cluster.cancel import cancel

        cancel(cluster, name, namespace)
        click.echo(f"cancelled run {name} (CancelledRunFinally)", err=True)
    if junit is not None:
        from tekflow.cluster.junit import write_junit

        write_junit(junit, cluster, state, waited if outcome.timed_out else None)
    code = EXIT_TIMEOUT if outcome.timed_out else state.exit_code
    written = None
    if provenance is not None and state.done:
        from tekflow.cluster.provenance import write_statement

        written = write_statement(cluster, state, provenance, source)
        click.echo(f"wrote {provenance}" if written else "no provenance: the run made no artifact", err=True)
    if output_format == "json":
        click.echo(json.dumps({**state.summary(), "timed_out": outcome.timed_out, "exit_code": code,
                               **({"provenance": str(provenance) if written else None} if provenance else {})},
                              sort_keys=True))
    else:
        _print_state(state, sys.stderr)
        if junit is not None:
            click.echo(f"wrote {junit}", err=True)
    if outcome.timed_out:
        click.echo(f"error: timed out after {waited:.0f}s waiting for run {name}; it is {state.status.lower()}"
                   + ("" if cancel_on_timeout else f" and goes on (tekflow cancel {name} -n {namespace})"), err=True)
    elif code == EXIT_ERROR:
        click.echo(f"error: Tekton refused run {name}: {state.reason}: {' '.join(state.message.split())}", err=True)
    sys.exit(code if code is not None else EXIT_TIMEOUT)


_STYLE = {"Succeeded": "green", "Failed": "red", "Skipped": "yellow", "Cancelled": "magenta", "Running": "cyan",
          "Pending": "dim"}


def _print_state(state, stream) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, highlight=False, width=max(100, Console(file=stream).width))
    took = f" in {state.duration_s:.1f}s" if state.duration_s is not None else ""
    reason = f" ({state.reason})" if state.reason and state.reason != state.status else ""
    console.print(f"{state.namespace}/{state.name}: {state.status}{reason}{took}")
    table = Table()
    table.add_column("task")
    table.add_column("status")
    table.add_column("time", justify="right")
    table.add_column("note")
    last = float("inf")
    order = sorted(state.tasks.items(), key=lambda kv: (kv[1].is_finally,
                                                         kv[1].started.timestamp() if kv[1].started else last))
    for name, task in order:  # in the order they started; those that did not, then finally tasks, last
        note = task.message if task.status in ("Failed", "Skipped", "Cancelled", "Pending") else ""
        if task.retries:
            note = f"retried {task.retries}x; " + note
        if len(task.taskruns) > 1:
            note = f"{len(task.taskruns)} TaskRuns; " + note
        duration = f"{task.duration_s:.1f}s" if task.duration_s is not None else ""
        table.add_row(name + (" (finally)" if task.is_finally else ""),
                      f"[{_STYLE.get(task.status, '')}]{task.status}[/]", duration, note)
    console.print(table)
    if state.status in ("Failed", "Cancelled") and state.message:
        console.print(f"{state.reason}: {state.message}")
    for key, value in state.outputs.items():
        console.print(f"output {key} = {value!r}")


# -- get, list, logs, cancel -----------------------------------------------------------


@click.command("get")
@click.argument("run")
@_cluster_options
@_output_option
@user_errors
@_api_errors
def get_command(run: str, namespace: Optional[str], kubeconfig: Optional[str], context: Optional[str],
                output_format: str) -> None:
    """Show the PipelineRun RUN: its status and each task's."""
    from tekflow.cluster.watch import snapshot

    cluster = _connect(kubeconfig, context)
    state = snapshot(cluster, run, namespace or cluster.connection.namespace)
    if output_format == "json":
        click.echo(state.to_json())
    else:
        _print_state(state, sys.stdout)


@click.command("list")
@click.option("-l", "--selector", metavar="LABEL=VALUE,…", help="Only runs with these labels.")
@click.option("-A", "--all-namespaces", is_flag=True, help="Runs of every namespace.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the N newest runs.")
@_cluster_options
@_output_option
@user_errors
@_api_errors
def list_command(selector: Optional[str], all_namespaces: bool, limit: Optional[int], namespace: Optional[str],
                 kubeconfig: Optional[str], context: Optional[str], output_format: str) -> None:
    """List PipelineRuns, newest first."""
    from tekflow.cluster.model import run_state

    if all_namespaces and namespace:
        raise TekflowError("-A and -n: give one of them")
    cluster = _connect(kubeconfig, context)
    items = cluster.list_pipelineruns(None if all_namespaces else namespace or cluster.connection.namespace, selector)
    states = sorted((run_state(item, []) for item in items),
                    key=lambda s: (s.created.timestamp() if s.created else 0, s.name), reverse=True)[:limit]
    if output_format == "json":
        runs = []
        for s in states:
            summary = s.summary()
            del summary["tasks"]  # read with tekflow get: listing does not read the TaskRuns
            runs.append(summary)
        click.echo(json.dumps({"runs": runs}, sort_keys=True))
        return
    if not states:
        where = "any namespace" if all_namespaces else f"namespace {namespace or cluster.connection.namespace}"
        click.echo(f"no PipelineRuns in {where}" + (f" with {selector}" if selector else ""), err=True)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in (["namespace"] if all_namespaces else []) + ["name", "pipeline", "status", "reason", "created",
                                                                "duration"]:
        table.add_column(column.upper(), justify="right" if column == "duration" else "left")
    for s in states:
        row = [s.namespace] if all_namespaces else []
        row += [s.name, s.pipeline, f"[{_STYLE.get(s.status, '')}]{s.status}[/]", s.reason,
                s.created.strftime("%Y-%m-%d %H:%M:%S") if s.created else "",
                f"{s.duration_s:.0f}s" if s.duration_s is not None else ""]
        table.add_row(*row)
    Console(highlight=False, width=200).print(table)


@click.command("logs")
@click.argument("run")
@click.option("--task", metavar="TASK", help="Only this pipeline task's steps.")
@click.option("-f", "--follow", is_flag=True, help="Stream the logs as they are written, until the run ends.")
@_cluster_options
@user_errors
@_api_errors
def logs_command(run: str, task: Optional[str], follow: bool, namespace: Optional[str], kubeconfig: Optional[str],
                 context: Optional[str]) -> None:
    """Print the step logs of the PipelineRun RUN, each under a `--- TASK/STEP` line."""
    from tekflow.cluster.logs import follow_logs, print_logs
    from tekflow.cluster.watch import snapshot

    cluster = _connect(kubeconfig, context)
    namespace = namespace or cluster.connection.namespace
    try:
        if follow:
            follow_logs(cluster, run, namespace, sys.stdout, task)
            return
        state = snapshot(cluster, run, namespace)
        if print_logs(cluster, state, sys.stdout, task) == 0:
            click.echo(f"run {run}: no step has started yet ({state.status})", err=True)
    except BrokenPipeError:  # `tekflow logs R | head`: the reader has what it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


@click.command("cancel")
@click.argument("run")
@click.option("--mode", type=click.Choice(["finally", "now", "stop"]), default="finally", show_default=True,
              help="finally: cancel running tasks, then run the finally tasks (CancelledRunFinally); now: cancel "
                   "and skip the finally tasks (Cancelled); stop: let running tasks finish, start no new ones, "
                   "run the finally tasks (StoppedRunFinally).")
@_cluster_options
@_output_option
@user_errors
@_api_errors
def cancel_command(run: str, mode: str, namespace: Optional[str], kubeconfig: Optional[str], context: Optional[str],
                   output_format: str) -> None:
    """Cancel the PipelineRun RUN (exit handlers and other finally tasks still run, unless --mode now)."""
    from tekflow.cluster.cancel import cancel

    cluster = _connect(kubeconfig, context)
    result = cancel(cluster, run, namespace or cluster.connection.namespace, mode)
    if output_format == "json":
        click.echo(json.dumps(vars(result), sort_keys=True))
    elif result.already_done:
        click.echo(f"run {run} had already ended ({result.status}); nothing to cancel", err=True)
    else:
        click.echo(f"cancelling run {run} ({result.spec_status}); `tekflow wait {run}` follows it to the end",
                   err=True)


COMMANDS = [submit_command, wait_command, get_command, list_command, logs_command, cancel_command]
