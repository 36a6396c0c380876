"""CPU, memory and accelerators -> computeResources on the main step only.

Tekton averages task-level requests across steps and copies limits to every step, which
would split or multiply whole GPUs, so only the step running the user's code asks.
"""

from __future__ import annotations

import re


from tekflow.errors import NotSupportedError, TekflowError

from .. import k8s
from ..context import Lowering, TaskNode

_RESOURCE_NAME = re.compile(r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


def run(ctx: Lowering) -> None:
    for node in ctx.nodes.values():
        requirements = compute_resources(node)
        if requirements is not None:
            main = next(s for s in node.pipeline_task.task_spec.steps if s.name == "main")
            main.compute_resources = requirements


def compute_resources(node: TaskNode) -> k8s.ResourceRequirements | None:
    res = node.executor.container.resources
    requests: dict[str, str] = {}
    limits: dict[str, str] = {}
    _put(node, requests, "cpu", res.resource_cpu_request, res.cpu_request, "")
    _put(node, limits, "cpu", res.resource_cpu_limit, res.cpu_limit, "")
    _put(node, requests, "memory", res.resource_memory_request, res.memory_request, "G")
    _put(node, limits, "memory", res.resource_memory_limit, res.memory_limit, "G")
    acc = res.accelerator
    kind = acc.resource_type or acc.type
    count = acc.resource_count or (str(acc.count) if acc.count else "")
    if kind:
        if not _RESOURCE_NAME.match(kind) or "/" not in kind:
            raise TekflowError(
                f"task {node.kfp_name!r}: accelerator type {kind!r} is not a Kubernetes extended resource name; "
                "use e.g. 'nvidia.com/gpu', 'amd.com/gpu' or a MIG resource like 'nvidia.com/mig-1g.10gb'"
            )
        _check_literal(node, "accelerator count", count)
        if not count.isdigit() or int(count) < 1:
            raise TekflowError(f"task {node.kfp_name!r}: accelerator count must be a whole number >= 1, got {count!r}")
        limits[kind] = count  # extended resources: Kubernetes sets request = limit
    if not requests and not limits:
        return None
    return k8s.ResourceRequirements(requests=requests, limits=limits)


def _put(node: TaskNode, target: dict[str, str], key: str, text: str, number: float, unit: str) -> None:
    if text:
        _check_literal(node, key, text)
        target[key] = text
    elif number:
        target[key] = f"{number:g}{unit}"


def _check_literal(node: TaskNode, what: str, text: str) -> None:
    if "{{" in text:
        raise NotSupportedError(f"not supported yet: {what} set from a pipeline parameter in task {node.kfp_name!r}")
