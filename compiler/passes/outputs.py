"""Pipeline outputs -> Tekton pipeline results (parameters) and an annotation (artifacts).

An output that is a plain task output is a result reference. One that no single result holds
(dsl.Collected from a loop, dsl.OneOf of branches, a task inside a loop) is gathered by one
small launcher task, `pipeline-outputs`, which reads the producers' manifests, writes its own
manifest and returns the values as its results.
"""

from __future__ import annotations

from typing import Any

from tekflow.runtime.spec import encode_spec

from .. import tekton
from ..context import ARTIFACTS_WORKSPACE, Lowering, OneOf, Source, TaskArtifact, TaskOutput
from ..names import result_name
from ..parameters import type_name
from .sources import Entries
from .storage import uses_artifact_workspace

LAUNCHER = ["python3", "-m", "tekflow.runtime"]


def run(ctx: Lowering) -> None:
    gathered = {name: source for name, source in ctx.root_outputs.items() if _needs_gathering(ctx, source)}
    collector = _collector(ctx, gathered) if gathered else None
    for name, source in sorted(ctx.root_outputs.items()):
        is_artifact = name in ctx.spec.root.output_definitions.artifacts
        if collector is not None and name in gathered:
            task, output, result = collector.name, name, result_name(name)
        elif isinstance(source, (TaskOutput, TaskArtifact)):
            producer = ctx.node(source.producer)
            task, output = producer.tekton_name, source.output
            result = None if is_artifact else producer.result_names[source.output]
        else:
            raise TypeError(f"pipeline output {name!r} from {source!r}")
        if is_artifact:
            # Artifacts never travel through results: record where each pipeline output
            # artifact is produced; tools read its URI from the producer's outputs manifest.
            ctx.artifact_outputs[name] = {"task": task, "output": output}
        else:
            kfp_type = type_name(ctx.spec.root.output_definitions.parameters[name].parameter_type)
            ctx.parameter_outputs[name] = {"task": task, "output": output, "type": kfp_type}
            ctx.pipeline.results.append(
                tekton.PipelineResult(name=result_name(name), type="string", value=f"$(tasks.{task}.results.{result})"))


def _needs_gathering(ctx: Lowering, source: Source) -> bool:
    if isinstance(source, (TaskOutput, TaskArtifact)):
        return bool(source.collected or ctx.node(source.producer).loops)
    return True


def _collector(ctx: Lowering, gathered: dict[str, Source]) -> tekton.PipelineTask:
    name = ctx.names.get("/pipeline-outputs", "pipeline-outputs")
    entries = Entries(ctx, "the pipeline's outputs")
    definitions = ctx.spec.root.output_definitions
    parameters: dict[str, Any] = {}
    artifacts: dict[str, Any] = {}
    for output, source in sorted(gathered.items()):
        if output in definitions.artifacts:
            artifacts[output] = entries.artifact(output, source)
        else:
            entry = entries.parameter(output, source)
            parameters[output] = {**entry, "type": type_name(definitions.parameters[output].parameter_type),
                                  "result": result_name(output)}
    spec = {"version": 1, "kind": "outputs", "pipeline": ctx.ir.name, "task": name,
            "parameters": parameters, "artifacts": artifacts}
    args = ["--spec", encode_spec(spec), "--pipeline-root", ctx.pipeline_root, "--run", "$(context.pipelineRun.name)",
            *[arg for p in entries.params for arg in ("--param", f"{p.name}=$(params.{p.name})")],
            *[arg for o in sorted(parameters) for arg in ("--result", f"{o}=$(results.{result_name(o)}.path)")]]
    workspaces = [ARTIFACTS_WORKSPACE] if uses_artifact_workspace(ctx) else []
    producers = sorted({ctx.node(key).tekton_name for source in gathered.values() for key in _producers(source)})
    task = tekton.PipelineTask(
        name=name,
        display_name="pipeline outputs",
        task_spec=tekton.EmbeddedTask(
            params=[tekton.ParamSpec(name=p.name, type="string") for p in entries.params],
            steps=[tekton.Step(name="outputs", image=ctx.options.launcher_image, command=[*LAUNCHER, "outputs"],
                               args=args)],
            results=[tekton.TaskResult(name=result_name(o), type="string", description=f"pipeline output {o!r}")
                     for o in sorted(parameters)],
            workspaces=[tekton.WorkspaceDeclaration(name=w) for w in workspaces],
        ),
        params=entries.params,
        run_after=producers,
        workspaces=[tekton.WorkspacePipelineTaskBinding(name=w, workspace=w) for w in workspaces],
    )
    ctx.pipeline.tasks.append(task)
    return task


def _producers(source: Source) -> list:
    if isinstance(source, OneOf):
        return [key for option in source.options for key in _producers(option)]
    if isinstance(source, (TaskOutput, TaskArtifact)):
        return [source.producer]
    return []
