"""tekflow's GPU and scheduling hints (`platform_config["tekflow"]`, see tekflow.dsl.hints)
-> extended resources on the main step, and pod placement through taskRunSpecs.

GPUs: the vendor's resource (a MIG slice's or a shared GPU's when asked) on the main step
only; the product and minimum memory as node affinity on the cluster profile's labels; the
GPU taint tolerated. Scheduling: Kueue's queue, priority and pod-group labels on the TaskRun's
pods, `priorityClassName`, spot placement from the profile, node selectors and tolerations as
given.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from google.protobuf import json_format

from tekflow.errors import TekflowError

from .. import k8s, tekton
from ..context import Lowering, TaskNode
from ..profiles import Profile, Vendor, load_profile

KEY = "tekflow"
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_MIG = re.compile(r"^[1-7]g\.[0-9]+gb$")
_MEMORY = re.compile(r"^([0-9]+)(Mi|Gi|Ti|MB|GB|TB)?$")
_MIB = {"Mi": 1, "Gi": 1024, "Ti": 1024 * 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024, None: 1}


def run(ctx: Lowering) -> None:
    from . import kubernetes_platform

    kubernetes_platform.run(ctx)
    _hints(ctx)
    for spec in ctx.run_task_run_specs:
        if spec.pod_template is not None and spec.pod_template == tekton.PodTemplate():
            spec.pod_template = None  # only labels or annotations were asked for
    ctx.run_task_run_specs.sort(key=lambda s: s.pipeline_task_name)


def _hints(ctx: Lowering) -> None:
    platform = ctx.ir.platform.platforms.get(KEY)
    if platform is None:
        return
    executors = json_format.MessageToDict(platform.deployment_spec).get("executors", {})
    profile: Optional[Profile] = None
    for node in ctx.nodes.values():
        hints = executors.get(node.component.executor_label)
        if not hints:
            continue
        profile = profile or load_profile(ctx.options.profile)
        where = f"task {node.kfp_name!r}"
        spec = _task_run_spec(ctx, node)
        if "accelerator" in hints:
            _accelerator(node, hints["accelerator"], profile, spec, where)
        if "scheduling" in hints:
            _scheduling(ctx, node, hints["scheduling"], profile, spec, where)


def _task_run_spec(ctx: Lowering, node: TaskNode) -> tekton.PipelineTaskRunSpec:
    specs = ctx.run_task_run_specs
    for spec in specs:
        if spec.pipeline_task_name == node.tekton_name:
            return spec
    spec = tekton.PipelineTaskRunSpec(pipeline_task_name=node.tekton_name, pod_template=tekton.PodTemplate())
    specs.append(spec)
    return spec


def _main(node: TaskNode) -> tekton.Step:
    return next(s for s in node.pipeline_task.task_spec.steps if s.name == "main")


def _accelerator(node: TaskNode, hint: dict[str, Any], profile: Profile, spec: tekton.PipelineTaskRunSpec,
                 where: str) -> None:
    vendor = profile.vendor(hint.get("vendor", "nvidia"), where)
    count = hint.get("count", 1)
    shared, mig = bool(hint.get("shared")), hint.get("mig")
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise TekflowError(f"{where}: GPU count must be a whole number >= 1, got {count!r} "
                           "(for part of a GPU use mig='1g.10gb' or shared=True)")
    main = _main(node)
    resources = main.compute_resources or k8s.ResourceRequirements()
    if mig:
        if not _MIG.match(str(mig)):
            raise TekflowError(f"{where}: MIG profile {mig!r} is not like '1g.10gb'")
        if any(r == vendor.resource or r.startswith("nvidia.com/mig-") for r in resources.limits):
            raise TekflowError(f"{where}: a MIG slice and a whole GPU on one task; ask for one or the other")
        if not vendor.mig_resource:
            raise TekflowError(f"{where}: cluster profile {profile.name!r} has no MIG for this vendor")
        resource = vendor.mig_resource.format(profile=mig)
    elif shared:
        if not vendor.shared_resource:
            raise TekflowError(f"{where}: cluster profile {profile.name!r} has no shared GPUs for this vendor")
        resource = vendor.shared_resource
    else:
        resource = vendor.resource
    if resource in resources.limits and resources.limits[resource] != str(count):
        raise TekflowError(f"{where}: {resource} asked for twice ({resources.limits[resource]} and {count})")
    resources.limits[resource] = str(count)
    main.compute_resources = resources

    template = spec.pod_template
    requirements: list[k8s.NodeSelectorRequirement] = []
    if hint.get("product"):
        value = profile.product(hint["product"], where)
        template.node_selector[profile.product_label] = value
        product_memory = re.search(r"-([0-9]+)GB$", hint["product"])
        shared_label = list(profile.products.values()).count(value) > 1
        if product_memory and shared_label and vendor.memory_label and not hint.get("min_memory"):
            requirements.append(_memory(vendor, f"{product_memory.group(1)}Gi", where))
    if hint.get("min_memory"):
        if not vendor.memory_label:
            raise TekflowError(f"{where}: cluster profile {profile.name!r} has no GPU memory label; use product=")
        requirements.append(_memory(vendor, hint["min_memory"], where))
    if mig and vendor.mig_label:
        template.node_selector[vendor.mig_label] = str(mig)
    if shared and vendor.shared_label:
        template.node_selector[vendor.shared_label] = "time-sharing"
    if requirements:
        _require(template, requirements)
    for taint in vendor.taints:
        _tolerate(template, k8s.Toleration(**taint))


def _memory(vendor: Vendor, text: str, where: str) -> k8s.NodeSelectorRequirement:
    m = _MEMORY.match(str(text))
    if not m:
        raise TekflowError(f"{where}: GPU memory {text!r} is not like '40Gi'")
    mib = int(m.group(1)) * _MIB[m.group(2)]
    # Kubernetes has Gt, not Ge: one MiB less than asked
    return k8s.NodeSelectorRequirement(key=vendor.memory_label, operator="Gt", values=[str(mib - 1)])


def _require(template: tekton.PodTemplate, requirements: list[k8s.NodeSelectorRequirement]) -> None:
    template.affinity = template.affinity or k8s.Affinity()
    affinity = template.affinity.node_affinity = template.affinity.node_affinity or k8s.NodeAffinity()
    selector = affinity.required_during_scheduling_ignored_during_execution or k8s.NodeSelector(
        node_selector_terms=[k8s.NodeSelectorTerm()])
    affinity.required_during_scheduling_ignored_during_execution = selector
    for term in selector.node_selector_terms:
        term.match_expressions.extend(requirements)


def _tolerate(template: tekton.PodTemplate, toleration: k8s.Toleration) -> None:
    if toleration not in template.tolerations:
        template.tolerations.append(toleration)


def _label_value(value: Any, what: str, where: str) -> str:
    text = str(value)
    if len(text) > 63 or not _LABEL_VALUE.match(text):
        raise TekflowError(f"{where}: {what} {text!r} is not a valid label value (at most 63 letters, digits, "
                           "'-', '_' and '.', starting and ending alphanumeric)")
    return text


def _scheduling(ctx: Lowering, node: TaskNode, hint: dict[str, Any], profile: Profile,
                spec: tekton.PipelineTaskRunSpec, where: str) -> None:
    template = spec.pod_template
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    if hint.get("queue"):
        labels["kueue.x-k8s.io/queue-name"] = _label_value(hint["queue"], "queue name", where)
    if hint.get("priority"):
        labels["kueue.x-k8s.io/priority-class"] = _label_value(hint["priority"], "priority", where)
    if hint.get("priority_class"):
        template.priority_class_name = hint["priority_class"]
    if hint.get("gang"):
        group = _label_value(hint["gang"], "gang name", where)
        members = _gang_size(ctx, group, where)
        labels["kueue.x-k8s.io/pod-group-name"] = group
        annotations["kueue.x-k8s.io/pod-group-total-count"] = str(members)
    if hint.get("spot"):
        template.node_selector.update({str(k): str(v) for k, v in (profile.spot.get("node_selector") or {}).items()})
        for toleration in profile.spot.get("tolerations") or []:
            _tolerate(template, k8s.Toleration(**toleration))
    for key, value in (hint.get("node_selector") or {}).items():
        template.node_selector[str(key)] = _label_value(value, f"node selector {key}", where)
    for toleration in hint.get("tolerations") or []:
        try:
            _tolerate(template, k8s.Toleration(**toleration))
        except TypeError as e:
            raise TekflowError(f"{where}: toleration {toleration!r}: {e}") from None
    if labels or annotations:
        spec.metadata = spec.metadata or tekton.PipelineTaskMetadata()
        spec.metadata.labels.update(labels)
        spec.metadata.annotations.update(annotations)


def _gang_size(ctx: Lowering, group: str, where: str) -> int:
    """How many pods a gang has: every TaskRun of every task naming it (a loop's task: all batches)."""
    executors = json_format.MessageToDict(ctx.ir.platform.platforms[KEY].deployment_spec).get("executors", {})
    total = 0
    for node in ctx.nodes.values():
        hints = executors.get(node.component.executor_label) or {}
        if (hints.get("scheduling") or {}).get("gang") != group:
            continue
        if node.pipeline_task.matrix:
            value = node.pipeline_task.matrix.params[0].value
            if not isinstance(value, list):
                raise TekflowError(f"{where}: gang {group!r} includes a loop whose size is known only at run time; "
                                   "gang scheduling needs loops over constants")
            total += len(value)
        else:
            total += 1
    return total
