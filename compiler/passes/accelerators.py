"""`dsl.gpu` -> the vendor's extended resource on the main step only, node selection on the
cluster profile's labels (product, memory, MIG, sharing), the GPU taint tolerated."""

from __future__ import annotations

import re
from typing import Any

from tekflow.errors import TekflowError

from .. import k8s, tekton
from ..context import TaskNode
from ..names import is_quantity
from ..profiles import Profile, Vendor
from .pod import main_step, require, tolerate

FIELDS = {"count", "vendor", "product", "min_memory", "mig", "shared", "cpu", "memory"}
_MIG = re.compile(r"^[1-7]g\.[0-9]+gb$")
_MEMORY = re.compile(r"^([0-9]+)(Mi|Gi|Ti|M|G|T)?$")
_MIB = {"Mi": 1, "Gi": 1024, "Ti": 1024 * 1024, "M": 1, "G": 1024, "T": 1024 * 1024, None: 1}
_GPU_RESOURCE = re.compile(r"^(nvidia\.com/(gpu|gpu\.shared|mig-.+)|amd\.com/gpu|gpu\.intel\.com/.+)$")


def apply(node: TaskNode, hint: dict[str, Any], profile: Profile, template: tekton.PodTemplate, where: str) -> None:
    unknown = sorted(set(hint) - FIELDS)
    if unknown:
        raise TekflowError(f"{where}: unknown GPU hint field(s) {', '.join(unknown)}")
    vendor = profile.vendor(str(hint.get("vendor") or "nvidia"), where)
    count = _count(hint.get("count", 1), where)
    mig, shared = hint.get("mig"), bool(hint.get("shared"))
    main = main_step(node)
    resources = main.compute_resources = main.compute_resources or k8s.ResourceRequirements()
    resource = _resource(vendor, profile, mig, shared, resources, where)
    resources.limits[resource] = str(count)  # extended resources: the request equals the limit
    for name in ("cpu", "memory"):
        if hint.get(name) is not None:
            _cpu_or_memory(resources, name, str(hint[name]), where)

    requirements: list[k8s.NodeSelectorRequirement] = []
    if hint.get("product"):
        label, value = profile.product(vendor, str(hint["product"]), where)
        template.node_selector[label] = value
        # one label value for several products (EKS: "a100"): the memory in the name tells them apart
        product_memory = re.search(r"-([0-9]+)GB$", str(hint["product"]))
        if product_memory and vendor.memory_label and not hint.get("min_memory") \
                and profile.shares_product_value(vendor, value):
            requirements.append(_memory(vendor, f"{product_memory.group(1)}Gi", where))
    if hint.get("min_memory"):
        if not vendor.memory_label:
            raise TekflowError(f"{where}: cluster profile {profile.name!r} has no GPU memory label for "
                               f"{hint.get('vendor') or 'nvidia'}; use product=")
        requirements.append(_memory(vendor, str(hint["min_memory"]), where))
    if mig and vendor.mig_label:
        template.node_selector[vendor.mig_label] = str(mig)
    if shared and vendor.shared_label:
        template.node_selector[vendor.shared_label] = "time-sharing"
    if requirements:
        require(template, requirements)
    for taint in vendor.taints:
        tolerate(template, k8s.Toleration(**taint))


def _count(count: Any, where: str) -> int:
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise TekflowError(f"{where}: GPU count must be a whole number >= 1, got {count!r} "
                           "(for part of a GPU use mig='1g.10gb' or shared=True)")
    return count


def _resource(vendor: Vendor, profile: Profile, mig: Any, shared: bool, resources: k8s.ResourceRequirements,
              where: str) -> str:
    already = sorted(r for r in resources.limits if _GPU_RESOURCE.match(r))  # kfp's set_accelerator_*
    if mig:
        if not _MIG.match(str(mig)):
            raise TekflowError(f"{where}: MIG profile {mig!r} is not like '1g.10gb'")
        if shared:
            raise TekflowError(f"{where}: a MIG slice and a shared GPU on one task; ask for one or the other")
        if already:
            raise TekflowError(f"{where}: a MIG slice and a whole GPU ({already[0]}) on one task; "
                               "ask for one or the other")
        if not vendor.mig_resource:
            raise TekflowError(f"{where}: cluster profile {profile.name!r} has no MIG for this vendor")
        return vendor.mig_resource.format(profile=mig)
    if already:
        raise TekflowError(f"{where}: GPUs asked for twice ({already[0]} by set_accelerator_type and dsl.gpu); "
                           "use one of them")
    if shared:
        if not vendor.shared_resource:
            raise TekflowError(f"{where}: cluster profile {profile.name!r} has no shared GPUs for this vendor")
        return vendor.shared_resource
    return vendor.resource


def _cpu_or_memory(resources: k8s.ResourceRequirements, name: str, value: str, where: str) -> None:
    if not is_quantity(value):
        raise TekflowError(f"{where}: GPU hint {name}={value!r} is not a Kubernetes quantity (e.g. 8, 500m, 64Gi)")
    for kind, current in (("request", resources.requests.get(name)), ("limit", resources.limits.get(name))):
        if current is not None and current != value:
            raise TekflowError(f"{where}: {name} {kind} {current} (set_{name}_{kind}) and dsl.gpu({name}={value!r}) "
                               "disagree; use one of them")
    resources.requests[name] = resources.limits[name] = value


def _memory(vendor: Vendor, text: str, where: str) -> k8s.NodeSelectorRequirement:
    m = _MEMORY.match(text)
    if not m:
        raise TekflowError(f"{where}: GPU memory {text!r} is not like '40Gi'")
    mib = int(m.group(1)) * _MIB[m.group(2)]
    # node affinity has Gt but no Ge: one MiB less than asked
    return k8s.NodeSelectorRequirement(key=vendor.memory_label, operator="Gt", values=[str(mib - 1)])
