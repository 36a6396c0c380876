"""In-cluster tracking (option `tracking_uri`): the pipeline records itself in MLflow.

A first task `tracking-start` creates the pipeline's MLflow run (every other task runs after
it, so no two steps race to create it); each task's publish step records the task (each loop
iteration) after the user's process exited; a finally task `tracking-finish` closes the run
with the pipeline's status and its provenance Statement (tekflow.tracking.provenance, from the
run's manifests). All of it is idempotent (see tekflow.tracking.mlflow_hook), and
credentials come only from a Secret, as environment variables of the launcher steps.

What only the compiler knows goes into tracking-start's launch spec: the git commit/branch of
the pipeline's source (`tags`) and, compressed (`documents`), the IR and the compiled
PipelineRun, which tracking-start logs as artifacts of the pipeline's run.
"""

from __future__ import annotations

import os

from google.protobuf import json_format

from tekflow.runtime.spec import decode_spec, encode_spec
from tekflow.tracking.events import git_tags, pack_documents

from .. import k8s, tekton
from ..context import ARTIFACTS_WORKSPACE, Lowering
from ..names import param_name
from .storage import uses_artifact_workspace

LAUNCHER = ["python3", "-m", "tekflow.runtime"]
LAUNCHER_STEPS = {"prepare", "publish", "iterations", "outputs"}
# Linux limits one argv string to 128 KiB, and Tekton copies the spec into the PipelineRun's and
# the TaskRun's status: documents that compress to more are left out (with a warning).
DOCUMENTS_BUDGET = 96 * 1024


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
    tags = _source_tags(ctx)
    start = _task(ctx, "tracking-start", "track-start", env, env_from, tags=tags)
    # the finish step writes the run's provenance, which names the source's commit
    finish = _task(ctx, "tracking-finish", "track-finish", env, env_from, status=True, tags=tags)
    for task in existing:
        if not task.run_after and not _has_result_refs(task):
            task.run_after = [start.name]
    ctx.pipeline.tasks.insert(0, start)
    ctx.pipeline.finally_.append(finish)
    _carry_documents(ctx, start)


def _source_tags(ctx: Lowering) -> dict[str, str]:
    """The source file and its git commit/branch, as a local run of the same file records them."""
    source = ctx.ir.source
    if not os.path.isfile(source):
        return {}
    return {"tekflow.source": source, **git_tags(os.path.dirname(os.path.abspath(source)))}


def _carry_documents(ctx: Lowering, start: tekton.PipelineTask) -> None:
    """The IR and the PipelineRun, into tracking-start's spec. The PipelineRun is the compiled
    one but for this very copy of the documents (it cannot contain itself)."""
    from ..emit import to_yaml
    from ..lower import build_pipelinerun  # lower imports the passes

    documents = {"pipeline_ir.json": json_format.MessageToJson(ctx.ir.spec, sort_keys=True),
                 "pipelinerun.yaml": to_yaml(build_pipelinerun(ctx))}
    # too large: the IR alone, else nothing
    for left_out in ((), ("pipelinerun.yaml",), ("pipelinerun.yaml", "pipeline_ir.json")):
        kept = {name: text for name, text in documents.items() if name not in left_out}
        packed = pack_documents(kept) if kept else None
        if packed is None or len(packed["data"]) <= DOCUMENTS_BUDGET:
            break
    if left_out:
        ctx.warnings.append(f"tracking: {' and '.join(left_out)} not recorded in MLflow: they compress to more "
                            f"than {DOCUMENTS_BUDGET // 1024} KiB")
    if packed is None:
        return
    step = start.task_spec.steps[0]
    at = step.args.index("--spec") + 1
    step.args[at] = encode_spec({**decode_spec(step.args[at]), "documents": packed})


def _has_result_refs(task: tekton.PipelineTask) -> bool:
    texts = [str(p.value) for p in task.params] + [w.input or "" for w in task.when]
    if task.matrix:
        texts += [str(p.value) for p in task.matrix.params]
    return any("$(tasks." in t for t in texts)


def _task(ctx: Lowering, name: str, command: str, env, env_from, status: bool = False,
          tags: dict[str, str] | None = None) -> tekton.PipelineTask:
    name = ctx.names.get(f"/{name}", name)
    params = [tekton.Param(name=param_name(p.name), value=f"$(params.{p.name})") for p in ctx.pipeline.params]
    if status:
        params.append(tekton.Param(name="tekflow-status", value="$(tasks.status)"))
    spec = {"version": 1, "kind": command, "pipeline": ctx.ir.name, "task": name,
            "params": [p.name for p in ctx.pipeline.params]}
    if tags:
        spec["tags"] = tags
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
