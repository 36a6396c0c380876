"""Each KFP container task -> a PipelineTask with prepare / main / publish steps.

See docs/architecture.md "Runtime contract": the launcher steps get a launch spec (JSON)
and the input parameter values as Tekton params; the main step runs the component's
own image through the argv prelude.
"""

from __future__ import annotations

import re

from typing import Any

from google.protobuf import json_format

from tekflow.errors import TekflowError
from tekflow.runtime.digests import CHAINS_SUFFIX
from tekflow.runtime.prelude import main_step_command
from tekflow.runtime.spec import encode_spec
from tekflow.runtime.values import MAX_ARGUMENT_BYTES, SKIPPED_RESULT

from .. import k8s, tekton
from .. import conditions
from ..context import ARTIFACTS_WORKSPACE, IO_WORKSPACE, Guard, Lowering, TaskNode
from .loops import BATCH_PARAM
from .sources import Entries, space_key
from ..parameters import coerce, type_name
from .storage import uses_artifact_workspace

IO_PATH = f"$(workspaces.{IO_WORKSPACE}.path)"
LAUNCHER = ["python3", "-m", "tekflow.runtime"]


def run(ctx: Lowering) -> None:
    for node in ctx.nodes.values():
        node.pipeline_task = lower_task(ctx, node)
        (ctx.pipeline.finally_ if node.is_finally else ctx.pipeline.tasks).append(node.pipeline_task)


def lower_task(ctx: Lowering, node: TaskNode) -> tekton.PipelineTask:
    entries = Entries(ctx, f"task {node.kfp_name!r}", loops=node.loops, is_finally=node.is_finally)
    spec_parameters = {}
    for name, source in sorted(node.param_sources.items()):
        entry = entries.parameter(name, source)
        if entry is not None:
            if "constant" in entry:
                entry["constant"] = _typed_constant(node, name, entry["constant"])
            spec_parameters[name] = entry
    spec_artifacts = {name: entries.artifact(name, source) for name, source in sorted(node.artifact_sources.items())}
    in_loop = bool(node.loops)
    # Inside a loop each matrix child runs a batch of iterations: its results would be one value of
    # many, so consumers read the outputs manifest instead and the task declares no results.
    result_names = {} if in_loop else node.result_names
    launch_spec = {
        "version": 1,
        "pipeline": ctx.ir.name,
        "task": node.tekton_name,
        "kfp_task": node.kfp_name,
        "component": json_format.MessageToDict(node.component),
        "container": json_format.MessageToDict(node.executor.container),
        "inputs": {"parameters": spec_parameters, "artifacts": spec_artifacts},
        "outputs": {"parameters": {name: {"result": r} for name, r in result_names.items()}},
        "caching": bool(node.spec.caching_options.enable_cache),
        "retry": _retry(node),
    }
    if node.spec.caching_options.cache_key:
        launch_spec["cache_key"] = node.spec.caching_options.cache_key
    if node.launcher_guards:
        launch_spec["guards"] = [_guard_entry(entries, i, guard) for i, guard in enumerate(node.launcher_guards)]
    batch_args: list[str] = []
    if in_loop:
        launch_spec["iteration"] = {"space": ctx.spaces[space_key(node)]}
        batch_args = ["--batch", f"$(params.{BATCH_PARAM})"]
    params = entries.params
    spec_text = encode_spec(launch_spec)
    if len(spec_text.encode()) > MAX_ARGUMENT_BYTES:  # the launcher steps get it as one argument
        raise TekflowError(f"task {node.kfp_name!r}: its launch spec (the component, its command and constant "
                           f"inputs) is {len(spec_text.encode())} bytes, more than the {MAX_ARGUMENT_BYTES} a process "
                           "argument may have: pass large constants as parameters or artifacts")
    common = ["--spec", spec_text, "--io-dir", IO_PATH, "--pipeline-root", ctx.pipeline_root,
              "--run", "$(context.pipelineRun.name)"]
    prepare = tekton.Step(
        name="prepare",
        image=ctx.options.launcher_image,
        command=[*LAUNCHER, "prepare"],
        args=[*common, "--run-uid", "$(context.pipelineRun.uid)", "--retry-count", "$(context.task.retry-count)",
              *batch_args, *[arg for p in params for arg in ("--param", f"{p.name}=$(params.{p.name})")]],
    )
    main = tekton.Step(
        name="main",
        image=node.executor.container.image,
        command=main_step_command(IO_PATH),
        env=[k8s.EnvVar(name=e.name, value=e.value) for e in node.executor.container.env],
        on_error="continue",  # publish records the outcome, then fails the task with main's exit code
    )
    # a task its launcher may skip says so in a result: Tekton shows its TaskRun as Succeeded
    published_results = {**result_names, **({SKIPPED_RESULT: SKIPPED_RESULT} if node.launcher_guards else {})}
    # a loop's TaskRun runs a batch of iterations, each with its own artifact: one result cannot name them
    hinted = {} if in_loop else chains_results(node)
    publish = tekton.Step(
        name="publish",
        image=ctx.options.launcher_image,
        command=[*LAUNCHER, "publish"],
        args=[*common, "--exit-code-file", "$(steps.step-main.exitCode.path)",
              *[arg for name, r in published_results.items() for arg in ("--result", f"{name}=$(results.{r}.path)")],
              *[arg for name, r in hinted.items() for arg in ("--artifact-result", f"{name}=$(results.{r}.path)")]],
    )
    workspaces = [IO_WORKSPACE] + ([ARTIFACTS_WORKSPACE] if uses_artifact_workspace(ctx) else [])
    param_specs = [tekton.ParamSpec(name=p.name, type="string") for p in params]
    matrix = None
    if in_loop:
        param_specs.append(tekton.ParamSpec(name=BATCH_PARAM, type="string", description="batch of loop iterations"))
        matrix = tekton.Matrix(params=[tekton.Param(name=BATCH_PARAM, value=ctx.batch_values[space_key(node)])])
    task_spec = tekton.EmbeddedTask(
        params=param_specs,
        steps=[prepare, main, publish],
        workspaces=[tekton.WorkspaceDeclaration(name=w) for w in workspaces],
        results=[
            tekton.TaskResult(name=r, type="string", description=f"KFP output parameter {name!r}")
            for name, r in result_names.items()
        ] + ([tekton.TaskResult(name=SKIPPED_RESULT, type="string",
                                description="the false condition when the launcher skipped main, else empty")]
             if node.launcher_guards else []) + [
            tekton.TaskResult(name=r, type="object", properties={key: tekton.PropertySpec(type="string")
                                                                 for key in CHAINS_KEYS},
                              description=f"output artifact {name!r}: its URI and digest, for Tekton Chains")
            for name, r in hinted.items()],
        metadata=tekton.PipelineTaskMetadata(labels={"tekflow.dev/kfp-task": _label_value(node.kfp_name)}),
    )
    retries = node.spec.retry_policy.max_retry_count
    return tekton.PipelineTask(
        name=node.tekton_name,
        display_name=node.display_name,
        task_spec=task_spec,
        params=params,
        matrix=matrix,
        when=list(node.when),
        retries=retries or None,
        workspaces=[tekton.WorkspacePipelineTaskBinding(name=w, workspace=w) for w in workspaces],
    )


def _guard_entry(entries: Entries, index: int, guard: Guard) -> dict[str, Any]:
    """A condition the launcher evaluates before running main (false: main is skipped)."""
    inputs = {}
    for name, source, kfp_type in guard.inputs:
        entry = entries.parameter(f"guard-{index}-{name}", source)
        if entry is None:
            raise TekflowError(f"condition {guard.group!r} uses {name!r}, which has no value")
        inputs[name] = {**entry, "type": kfp_type}
    return {"group": guard.group, "comparison": conditions.to_data(guard.comparison), "inputs": inputs}


def _typed_constant(node: TaskNode, name: str, value: Any) -> Any:
    """Constants in canonical form for the input's type (kfp writes integers as 10.0)."""
    definition = node.component.input_definitions.parameters.get(name)
    if definition is None or isinstance(value, str) and "{{$" in value:
        return value  # a placeholder string the launcher resolves
    return coerce(f"{name}' of task '{node.kfp_name}", value, type_name(definition.parameter_type))


def _retry(node: TaskNode) -> dict[str, Any]:
    policy = node.spec.retry_policy
    return {
        "max": policy.max_retry_count,
        "backoff_s": policy.backoff_duration.ToTimedelta().total_seconds(),
        "factor": policy.backoff_factor or 2.0,
        "max_backoff_s": policy.backoff_max_duration.ToTimedelta().total_seconds() or 3600.0,
    }


def _label_value(text: str) -> str:
    """Kubernetes label values: <= 63 chars of [-A-Za-z0-9_.], alphanumeric at both ends."""
    from ..names import dns_label

    return dns_label(text)


# The keys of a Chains type-hinted result (runtime.digests.CHAINS_SUFFIX); isBuildArtifact makes
# the artifact a subject of the provenance, in formats slsa/v2alpha4+.
CHAINS_KEYS = ("uri", "digest", "isBuildArtifact")


def chains_results(node: TaskNode) -> dict[str, str]:
    """Output artifact -> the name of its type-hinted result (artifacts that are files or folders;
    metrics are metadata only)."""
    from tekflow.runtime.publish import METADATA_ONLY

    names: dict[str, str] = {}
    for name, spec in sorted(node.component.output_definitions.artifacts.items()):
        if spec.artifact_type.schema_title in METADATA_ONLY:
            continue
        base = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-_.") or "artifact"
        result, n = f"{base}{CHAINS_SUFFIX}", 1
        while result in names.values():
            n += 1
            result = f"{base}-{n}{CHAINS_SUFFIX}"
        names[name] = result
    return names
