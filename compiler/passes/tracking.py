"""In-cluster tracking (option `tracking_uri`): the pipeline records itself in MLflow.

A first task `tracking-start` creates the pipeline's MLflow run (every other task runs after
it, so no two steps race to create it); each task's publish step records the task (each loop
iteration) after the user's process exited; a finally task `tracking-finish` closes the run
with the pipeline's status. All of it is idempotent (see tekflow.tracking.mlflow_hook), and
credentials come only from a Secret, as environment variables of the launcher steps.
"""

from __future__ import annotations

from tekflow.runtime.spec import encode_spec

from .. import k8s, tekton
from ..context import ARTIFACTS_WORKSPACE, Lowering
from ..names import param_name
from .storage import uses_artifact_workspace

LAUNCHER = ["python3", "-m", "tekflow.runtime"]
LAUNCHER_STEPS = {"prepare", "publish", "iterations", "outputs"}


def run(ctx: Lowering) -> None:
    options = ctx.options
    if not options.tracking_uri:
        return
    env = [k8s.EnvVar(name="TEKFLOW_TRACKING_URI", value=options.tracking_uri)]
    if options.experiment:
        env.append(k8s.EnvVar(name="TEKFLOW_EXPERIMENT", value=options.experiment))
    env_from = [k8s.EnvFromSource(secret_ref=k8s.NamedSource(name=options.tracking_secret))] \
        if options.tracking_secret else []
    existing = list(ctx.pipeline.tasks)
    for task in [*existing, *ctx.pipeline.finally_]:
        for step in task.task_spec.steps:
            if step.name == "publish":
                step.args += ["--run-uid", "$(context.pipelineRun.uid)", "--retry-count", "$(context.task.retry-count)"]
            if step.name in LAUNCHER_STEPS:
                step.env = [*step.env, *env]
                step.env_from = [*step.env_from, *env_from]
    start = _task(ctx, "tracking-start", "track-start", env, env_from)
    finish = _task(ctx, "tracking-finish", "track-finish", env, env_from, status=True)
    for task in existing:
        if not task.run_after and not _has_result_refs(task):
            task.run_after = [start.name]
    ctx.pipeline.tasks.insert(0, start)
    ctx.pipeline.finally_.append(finish)


def _has_result_refs(task: tekton.PipelineTask) -> bool:
    texts = [str(p.value) for p in task.params] + [w.input or "" for w in task.when]
    if task.matrix:
        texts += [str(p.value) for p in task.matrix.params]
    return any("$(tasks." in t for t in texts)


def _task(ctx: Lowering, name: str, command: str, env, env_from, status: bool = False) -> tekton.PipelineTask:
    name = ctx.names.get(f"/{name}", name)
    params = [tekton.Param(name=param_name(p.name), value=f"$(params.{p.name})") for p in ctx.pipeline.params]
    if status:
        params.append(tekton.Param(name="tekflow-status", value="$(tasks.status)"))
    spec = {"version": 1, "kind": command, "pipeline": ctx.ir.name, "task": name,
            "params": [p.name for p in ctx.pipeline.params]}
    args = ["--spec", encode_spec(spec), "--pipeline-root", ctx.pipeline_root, "--run", "$(context.pipelineRun.name)",
            "--run-uid", "$(context.pipelineRun.uid)",
            *[arg for p in params for arg in ("--param", f"{p.name}=$(params.{p.name})")]]
    workspaces = [ARTIFACTS_WORKSPACE] if uses_artifact_workspace(ctx) else []
    return tekton.PipelineTask(
        name=name,
        display_name=name.replace("-", " "),
        task_spec=tekton.EmbeddedTask(
            params=[tekton.ParamSpec(name=p.name, type="string") for p in params],
            steps=[tekton.Step(name="track", image=ctx.options.launcher_image, command=[*LAUNCHER, command],
                               args=args, env=list(env), env_from=list(env_from))],
            workspaces=[tekton.WorkspaceDeclaration(name=w) for w in workspaces],
        ),
        params=params,
        workspaces=[tekton.WorkspacePipelineTaskBinding(name=w, workspace=w) for w in workspaces],
    )
