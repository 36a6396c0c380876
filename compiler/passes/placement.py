"""Where each task's pod runs: kfp-kubernetes settings, then tekflow's GPU and scheduling hints
(`platform_config["tekflow"]`, see tekflow.dsl.hints), then gangs.

GPUs become extended resources on the main step only; everything about the pod goes through
`PipelineRun.spec.taskRunSpecs[]` (`podTemplate` and `metadata`), so the PipelineTask itself
stays the same on every cluster. Gangs whose scheduler needs a PodGroup object add it to
`ctx.pod_groups`, created beside the PipelineRun.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format

from tekflow.errors import TekflowError

from .. import k8s, tekton
from ..context import ARTIFACTS_WORKSPACE, Lowering
from ..profiles import Profile, load_profile
from . import accelerators, kubernetes_platform, scheduling
from .pod import main_step, task_run_spec, tolerate

KEY = "tekflow"
FIELDS = {"accelerator", "scheduling"}


def run(ctx: Lowering) -> None:
    kubernetes_platform.run(ctx)
    hints = tekflow_hints(ctx)
    if ctx.options.profile and not hints:
        load_profile(ctx.options.profile)  # a profile the user named is checked even when no task uses it
    if hints or _kfp_accelerators(ctx):
        profile = load_profile(ctx.options.profile)
        _per_task(ctx, hints, profile)
        _tolerate_kfp_accelerators(ctx, hints, profile)
        specs = {s.pipeline_task_name: s for s in ctx.run_task_run_specs}
        scheduler = gang_scheduler(ctx, profile)
        for gang in scheduling.gangs(ctx, hints):
            scheduling.apply_gang(ctx, gang, scheduler, profile, specs)
            ctx.gangs[gang.group] = gang.name
            group = scheduling.pod_group(ctx, gang, scheduler, hints)
            if group is not None:
                ctx.pod_groups.append(group)
    for spec in ctx.run_task_run_specs:
        if spec.pod_template is not None and spec.pod_template == tekton.PodTemplate():
            spec.pod_template = None  # only labels or annotations were asked for
    ctx.run_task_run_specs.sort(key=lambda s: s.pipeline_task_name)


def _kfp_accelerators(ctx: Lowering) -> bool:
    return any(node.executor.container.resources.accelerator.resource_type
               or node.executor.container.resources.accelerator.type for node in ctx.nodes.values())


def _tolerate_kfp_accelerators(ctx: Lowering, hints: dict[str, dict[str, Any]], profile: Profile) -> None:
    """kfp's set_accelerator_type asks for the GPU resource only; GPU nodes are tainted, so the task
    gets the toleration dsl.gpu gives: that of the profile's vendor of the resource."""
    for node in ctx.nodes.values():
        if "accelerator" in (hints.get(node.component.executor_label) or {}):
            continue  # dsl.gpu tolerated it
        resources = main_step(node).compute_resources
        for resource in sorted(resources.limits if resources else {}):
            vendor = profile.vendor_of_resource(resource)
            if vendor is None or not vendor.taints:
                continue
            template = task_run_spec(ctx, node).pod_template
            for taint in vendor.taints:
                tolerate(template, k8s.Toleration(**taint))


def tekflow_hints(ctx: Lowering) -> dict[str, dict[str, Any]]:
    """Executor label -> that task's hints, as `dsl.gpu` / `dsl.schedule` recorded them."""
    platform = ctx.ir.platform.platforms.get(KEY)
    if platform is None:
        return {}
    return _whole_numbers(json_format.MessageToDict(platform.deployment_spec).get("executors", {}))


def _whole_numbers(value: Any) -> Any:
    """The IR keeps every number as a double: 10.0 -> 10, so integer fields (weights) read back."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def gang_scheduler(ctx: Lowering, profile: Profile) -> str:
    """The option's, else the profile's (both checked where they are read)."""
    return ctx.options.gang_scheduler or profile.gang_scheduler


def _per_task(ctx: Lowering, hints: dict[str, dict[str, Any]], profile: Profile) -> None:
    gpus = False
    for node in ctx.nodes.values():
        hint = hints.get(node.component.executor_label)
        if not hint:
            continue
        where = f"task {node.kfp_name!r}"
        unknown = sorted(set(hint) - FIELDS)
        if unknown:
            raise TekflowError(f"{where}: unknown tekflow hint(s) {', '.join(unknown)}")
        for name in sorted(FIELDS & set(hint)):
            if not isinstance(hint[name] or {}, dict):  # an IR file's hints, edited by hand
                raise TekflowError(f"{where}: tekflow hint {name!r} must be a mapping of fields, "
                                   f"got {type(hint[name]).__name__}")
        spec = task_run_spec(ctx, node)
        # scheduling first: its affinity is the base the GPU node requirements are added to
        if "scheduling" in hint:
            scheduling.apply(ctx, hint["scheduling"] or {}, profile, spec, where)
        if "accelerator" in hint:
            accelerators.apply(node, hint["accelerator"] or {}, profile, spec.pod_template, where)
            gpus = True
    if gpus and any(w.name == ARTIFACTS_WORKSPACE and w.volume_claim_template for w in ctx.run_workspaces):
        ctx.warnings.append("GPU tasks with the per-run artifact PVC: Tekton's affinity assistant puts every pod "
                            "of the run on one node and replaces their node affinity; use --pipeline-root "
                            "s3://… or gs://… (or disable the affinity assistant)")

