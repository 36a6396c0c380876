"""IR -> Tekton PipelineRun: the ordered lowering passes."""

from __future__ import annotations

import json
from typing import Optional

from . import reusable, schedule, tekton, triggers
from .context import Lowering
from .ir import PipelineIR
from .names import dns_label
from .options import CompileOptions
from .passes import (dependencies, flatten, guards, loops, naming, outputs, pipeline_params, placement, resources, storage,
                     task_documents, tasks, tracking)

PASSES = (
    storage.run,  # artifact store and the scratch workspace
    flatten.run,  # KFP tasks that become PipelineTasks
    naming.run,  # DNS-1123 task names, result names
    pipeline_params.run,  # pipeline params and the run's values
    loops.run,  # dsl.ParallelFor: iteration spaces, matrix values, iterations tasks
    guards.run,  # conditions -> when expressions, or to the launcher
    tasks.run,  # one PipelineTask per KFP task: params, launch spec, steps
    dependencies.run,  # runAfter, cycle check
    resources.run,  # main-step computeResources
    placement.run,  # GPU and scheduling hints
    outputs.run,  # pipeline results
    tracking.run,  # in-cluster MLflow tracking, when asked for
    task_documents.run,  # --task-documents: taskSpecs -> Task documents and taskRefs
)


def lower(ir: PipelineIR, options: CompileOptions | None = None) -> tuple[tekton.PipelineRun, Lowering]:
    ctx = Lowering(ir=ir, options=options or CompileOptions())
    for run_pass in PASSES:
        run_pass(ctx)
    return build_pipelinerun(ctx), ctx


def lower_documents(ir: PipelineIR, options: CompileOptions | None = None) -> tuple[list, Lowering]:
    """Every object to create, in the order to create them: the Tasks the PipelineRun names
    (--task-documents), the PipelineRun, then the PodGroups its pods join. With --kind pipeline:
    the Tasks and the Pipeline (its runs bring their own PodGroups)."""
    run, ctx = lower(ir, options)
    if ctx.options.document_kind == "pipeline":
        pipeline = build_pipeline(ctx)
        extra = []
        if ctx.options.schedule is not None:
            extra += schedule.schedule_documents(pipeline, ctx.options.schedule, ctx.options.launcher_image,
                                                 ctx.options.time_zone, schedule.gang_api_versions(ctx.pod_groups))
        if ctx.options.triggers:
            if ctx.gangs:
                ctx.warnings.append("runs the EventListener starts share their gangs' pod groups "
                                    f"({', '.join(sorted(ctx.gangs))}): one run at a time per pipeline")
            template = reusable.RunTemplate(workspaces=ctx.run_workspaces, task_run_specs=ctx.run_task_run_specs)
            extra += triggers.trigger_documents(pipeline, template, ctx.declared_parameters, ctx.options.bindings,
                                                ctx.options.webhook_secret)
        return [*ctx.task_documents, pipeline, *extra], ctx
    return [*ctx.task_documents, run, *ctx.pod_groups], ctx


def _metadata(ctx: Lowering, name: Optional[str]) -> tekton.ObjectMeta:
    """What a run and a Pipeline carry: the pipeline's labels, and the annotations runners read
    its outputs by (Tekton copies a Pipeline's onto each of its runs)."""
    info = ctx.spec.pipeline_info
    label = dns_label(info.name)
    annotations = {"tekflow.dev/pipeline-name": info.name}
    if ctx.artifact_outputs:
        annotations["tekflow.dev/artifact-outputs"] = json.dumps(ctx.artifact_outputs, sort_keys=True)
    if ctx.parameter_outputs:
        annotations["tekflow.dev/parameter-outputs"] = json.dumps(ctx.parameter_outputs, sort_keys=True)
    annotations["tekflow.dev/pipeline-root"] = ctx.pipeline_root
    if ctx.gangs:
        annotations[reusable.GANGS_ANNOTATION] = json.dumps(ctx.gangs, sort_keys=True)
    return tekton.ObjectMeta(
        name=name,
        generate_name=None if name else f"{label[:57]}-",
        namespace=ctx.options.namespace,
        labels={"tekflow.dev/pipeline": label, "app.kubernetes.io/managed-by": "tekflow"},
        annotations=annotations,
    )


def _describe(ctx: Lowering) -> None:
    info = ctx.spec.pipeline_info
    ctx.pipeline.display_name = info.display_name or info.name
    ctx.pipeline.description = info.description or None


def build_pipeline(ctx: Lowering) -> tekton.Pipeline:
    """The reusable Pipeline: -p values become its params' defaults; the run's parts, its annotations."""
    _describe(ctx)
    given = {p.name: p.value for p in ctx.run_params}
    for param in ctx.pipeline.params:
        if param.name in given:
            param.default = given[param.name]
    metadata = _metadata(ctx, ctx.options.name or dns_label(ctx.spec.pipeline_info.name))
    template = reusable.RunTemplate(workspaces=ctx.run_workspaces, task_run_specs=ctx.run_task_run_specs,
                                    pod_groups=ctx.pod_groups)
    metadata.annotations.update(reusable.annotations_for(template, ctx.declared_parameters))
    return tekton.Pipeline(metadata=metadata, spec=ctx.pipeline)


def build_pipelinerun(ctx: Lowering) -> tekton.PipelineRun:
    _describe(ctx)
    return tekton.PipelineRun(
        metadata=_metadata(ctx, ctx.options.run_name),
        spec=tekton.PipelineRunSpec(
            pipeline_spec=ctx.pipeline,
            params=ctx.run_params,
            workspaces=ctx.run_workspaces,
            task_run_specs=ctx.run_task_run_specs,
            timeouts=tekton.TimeoutFields(pipeline=ctx.options.timeout) if ctx.options.timeout else None,
            task_run_template=tekton.TaskRunTemplate(service_account_name=ctx.options.service_account)
            if ctx.options.service_account else None,
        ),
    )
