"""Each KFP container task -> a PipelineTask with prepare / main / publish steps.

See docs/architecture.md "Runtime contract": the launcher steps get a launch spec (JSON)
and the input parameter values as Tekton params; the main step runs the component's
own image through the argv prelude.
"""

from __future__ import annotations

import json
from typing import Any

from google.protobuf import json_format

from tekflow.errors import NotSupportedError, TekflowError
from tekflow.runtime.prelude import main_step_command
from tekflow.runtime.spec import encode_spec

from .. import k8s, tekton
from ..context import (ARTIFACTS_WORKSPACE, IO_WORKSPACE, Absent, Constant, FinalStatus, Imported, Lowering, PipelineParam, TaskArtifact,
                       TaskNode, TaskOutput)
from ..names import param_name
from ..parameters import coerce, type_name
from .storage import uses_artifact_workspace

IO_PATH = f"$(workspaces.{IO_WORKSPACE}.path)"
LAUNCHER = ["python3", "-m", "tekflow.runtime"]


def run(ctx: Lowering) -> None:
    for node in ctx.nodes.values():
        node.pipeline_task = lower_task(ctx, node)
        (ctx.pipeline.finally_ if node.is_finally else ctx.pipeline.tasks).append(node.pipeline_task)


def lower_task(ctx: Lowering, node: TaskNode) -> tekton.PipelineTask:
    params, spec_parameters = _input_parameters(ctx, node)
    spec_artifacts = _input_artifacts(ctx, node, params)
    launch_spec = {
        "version": 1,
        "pipeline": ctx.ir.name,
        "task": node.tekton_name,
        "kfp_task": node.kfp_name,
        "component": json_format.MessageToDict(node.component),
        "container": json_format.MessageToDict(node.executor.container),
        "inputs": {"parameters": spec_parameters, "artifacts": spec_artifacts},
        "outputs": {"parameters": {name: {"result": r} for name, r in node.result_names.items()}},
        "caching": bool(node.spec.caching_options.enable_cache),
        "retry": _retry(node),
    }
    if node.spec.caching_options.cache_key:
        launch_spec["cache_key"] = node.spec.caching_options.cache_key
    spec_text = encode_spec(launch_spec)
    common = ["--spec", spec_text, "--io-dir", IO_PATH, "--pipeline-root", ctx.pipeline_root,
              "--run", "$(context.pipelineRun.name)"]
    prepare = tekton.Step(
        name="prepare",
        image=ctx.options.launcher_image,
        command=[*LAUNCHER, "prepare"],
        args=[*common, "--run-uid", "$(context.pipelineRun.uid)", "--retry-count", "$(context.task.retry-count)",
              *[arg for p in params for arg in ("--param", f"{p.name}=$(params.{p.name})")]],
    )
    main = tekton.Step(
        name="main",
        image=node.executor.container.image,
        command=main_step_command(IO_PATH),
        env=[k8s.EnvVar(name=e.name, value=e.value) for e in node.executor.container.env],
        on_error="continue",  # publish records the outcome, then fails the task with main's exit code
    )
    publish = tekton.Step(
        name="publish",
        image=ctx.options.launcher_image,
        command=[*LAUNCHER, "publish"],
        args=[*common, "--exit-code-file", "$(steps.step-main.exitCode.path)",
              *[arg for name, r in node.result_names.items() for arg in ("--result", f"{name}=$(results.{r}.path)")]],
    )
    workspaces = [IO_WORKSPACE] + ([ARTIFACTS_WORKSPACE] if uses_artifact_workspace(ctx) else [])
    task_spec = tekton.EmbeddedTask(
        params=[tekton.ParamSpec(name=p.name, type="string") for p in params],
        steps=[prepare, main, publish],
        workspaces=[tekton.WorkspaceDeclaration(name=w) for w in workspaces],
        results=[
            tekton.TaskResult(name=r, type="string", description=f"KFP output parameter {name!r}")
            for name, r in node.result_names.items()
        ],
        metadata=tekton.PipelineTaskMetadata(labels={"tekflow.dev/kfp-task": _label_value(node.kfp_name)}),
    )
    retries = node.spec.retry_policy.max_retry_count
    return tekton.PipelineTask(
        name=node.tekton_name,
        display_name=node.display_name,
        task_spec=task_spec,
        params=params,
        retries=retries or None,
        workspaces=[tekton.WorkspacePipelineTaskBinding(name=w, workspace=w) for w in workspaces],
    )


def _input_parameters(ctx: Lowering, node: TaskNode) -> tuple[list[tekton.Param], dict[str, Any]]:
    params: list[tekton.Param] = []
    spec: dict[str, Any] = {}
    for name, source in sorted(node.param_sources.items()):
        pname = param_name(name)
        if isinstance(source, PipelineParam):
            params.append(tekton.Param(name=pname, value=f"$(params.{param_name(source.name)})"))
            spec[name] = {"param": pname}
        elif isinstance(source, TaskOutput) and node.is_finally:
            # The producer may have failed: a result reference would skip this task in Tekton,
            # so the launcher reads the producer's manifest and falls back to the default.
            producer = _producer(ctx, node, source)
            spec[name] = {"producer": producer.tekton_name, "output": source.output, "optional": True}
        elif isinstance(source, TaskOutput):
            producer = _producer(ctx, node, source)
            result = producer.result_names[source.output]
            params.append(tekton.Param(name=pname, value=f"$(tasks.{producer.tekton_name}.results.{result})"))
            spec[name] = {"param": pname, "producer": producer.tekton_name, "output": source.output}
        elif isinstance(source, Constant):
            spec[name] = {"constant": _typed_constant(node, name, source.value)}
        elif isinstance(source, FinalStatus):
            spec[name] = {"final_status": _final_status(ctx, node, name, source, params)}
        elif isinstance(source, Absent):
            continue
        else:
            raise NotSupportedError(f"not supported yet: input parameter {name!r} from {source!r} in task {node.kfp_name!r}")
    return params, spec


def _final_status(ctx: Lowering, node: TaskNode, name: str, source: FinalStatus,
                  params: list[tekton.Param]) -> dict[str, Any]:
    """PipelineTaskFinalStatus: the Tekton status of every task of the group, as params."""
    if not node.is_finally:
        raise TekflowError(f"task {node.kfp_name!r}: input {name!r} is a PipelineTaskFinalStatus, "
                           "which only an exit task (dsl.ExitHandler) or .ignore_upstream_failure() task can take")
    tasks = {}
    for i, key in enumerate(sorted(ctx.node(k).tekton_name for k in source.tasks)):
        pname = param_name(f"{name}-task-{i}")
        params.append(tekton.Param(name=pname, value=f"$(tasks.{key}.status)"))
        tasks[key] = pname
    return {"group": "/".join(source.group), "tasks": tasks}


def _input_artifacts(ctx: Lowering, node: TaskNode, params: list[tekton.Param]) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    for name, source in sorted(node.artifact_sources.items()):
        if isinstance(source, TaskArtifact):
            producer = _producer(ctx, node, source)
            spec[name] = {"producer": producer.tekton_name, "output": source.output}
        elif isinstance(source, Imported):
            entry: dict[str, Any] = {"type": dict(source.schema), "metadata": json.loads(source.metadata_json)}
            if isinstance(source.uri, Constant):
                entry["uri"] = source.uri.value
            else:  # the URI is a parameter's value: it reaches the launcher like any input parameter
                uri_param = param_name(f"{name}-uri")
                entry["uri_param"] = uri_param
                if isinstance(source.uri, PipelineParam):
                    params.append(tekton.Param(name=uri_param, value=f"$(params.{param_name(source.uri.name)})"))
                elif isinstance(source.uri, TaskOutput):
                    producer = _producer(ctx, node, source.uri)
                    result = producer.result_names[source.uri.output]
                    params.append(tekton.Param(name=uri_param, value=f"$(tasks.{producer.tekton_name}.results.{result})"))
                    entry.update(producer=producer.tekton_name, output=source.uri.output)
                else:
                    raise NotSupportedError(f"not supported yet: importer URI from {source.uri!r} in task {node.kfp_name!r}")
            spec[name] = entry
        else:
            raise NotSupportedError(f"not supported yet: input artifact {name!r} from {source!r} in task {node.kfp_name!r}")
    return spec


def _typed_constant(node: TaskNode, name: str, value: Any) -> Any:
    """Constants in canonical form for the input's type (kfp writes integers as 10.0)."""
    definition = node.component.input_definitions.parameters.get(name)
    if definition is None or isinstance(value, str) and "{{$" in value:
        return value  # a placeholder string the launcher resolves
    return coerce(f"{name}' of task '{node.kfp_name}", value, type_name(definition.parameter_type))


def _producer(ctx: Lowering, node: TaskNode, source: TaskOutput | TaskArtifact) -> TaskNode:
    if source.producer not in ctx.nodes:
        raise TekflowError(f"task {node.kfp_name!r} takes {source.output!r} from unknown task {'/'.join(source.producer)!r}")
    return ctx.node(source.producer)


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
