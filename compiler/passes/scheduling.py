"""`dsl.schedule` -> Kueue labels, priorityClassName, spot placement, node selectors,
tolerations and affinity on the task's pod; gangs -> pod-group labels (Kueue, Volcano or
scheduler-plugins coscheduling) and, for the latter two, a PodGroup object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from tekflow.errors import TekflowError

from .. import k8s, tekton
from ..context import Lowering, TaskNode
from ..names import dns_label, is_dns_subdomain, is_label_value
from ..podgroup import API_VERSIONS, PodGroup, PodGroupSpec
from ..profiles import Profile
from ..reusable import group_name
from ..serde import ModelError, from_data
from .pod import metadata, prefer, tolerate

FIELDS = {"queue", "priority", "priority_class", "spot", "node_selector", "tolerations", "affinity", "gang"}
QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
PRIORITY_LABEL = "kueue.x-k8s.io/priority-class"
KUEUE_GROUP_LABEL = "kueue.x-k8s.io/pod-group-name"
KUEUE_GROUP_COUNT = "kueue.x-k8s.io/pod-group-total-count"
VOLCANO_GROUP_ANNOTATION = "scheduling.k8s.io/group-name"
COSCHEDULING_GROUP_LABEL = "scheduling.x-k8s.io/pod-group"


def label_value(value: Any, what: str, where: str) -> str:
    text = str(value)
    if not is_label_value(text):
        raise TekflowError(f"{where}: {what} {text!r} is not a valid label value (at most 63 letters, digits, "
                           "'-', '_' and '.', starting and ending alphanumeric)")
    return text


def apply(ctx: Lowering, hint: dict[str, Any], profile: Profile, spec: tekton.PipelineTaskRunSpec,
          where: str) -> None:
    unknown = sorted(set(hint) - FIELDS)
    if unknown:
        raise TekflowError(f"{where}: unknown scheduling hint field(s) {', '.join(unknown)}")
    template = spec.pod_template
    if hint.get("queue"):
        metadata(spec).labels[QUEUE_LABEL] = label_value(hint["queue"], "queue name", where)
    if hint.get("priority"):
        metadata(spec).labels[PRIORITY_LABEL] = label_value(hint["priority"], "priority", where)
    if hint.get("priority_class"):
        if not is_dns_subdomain(str(hint["priority_class"])):
            raise TekflowError(f"{where}: priority class {hint['priority_class']!r} is not a valid PriorityClass name")
        template.priority_class_name = str(hint["priority_class"])
    if hint.get("spot"):
        selector, tolerations = profile.spot.get("node_selector") or {}, profile.spot.get("tolerations") or []
        if not selector and not tolerations:
            ctx.warnings.append(f"{where}: spot=True has no effect: cluster profile {profile.name!r} does not say "
                                "how spot nodes are labelled (add `spot:` to a profile file)")
        template.node_selector.update({str(k): str(v) for k, v in selector.items()})
        for toleration in tolerations:
            tolerate(template, k8s.Toleration(**toleration))
    selector = _parse(dict[str, str], hint.get("node_selector") or {}, "node_selector", where)
    _check(k8s.labels_problem(selector, "node_selector"), where)
    template.node_selector.update(selector)
    for i, given in enumerate(_parse(list[Any], hint.get("tolerations") or [], "tolerations", where)):
        toleration = _parse(k8s.Toleration, given, f"tolerations[{i}]", where)
        _check(k8s.toleration_problem(toleration, f"tolerations[{i}]"), where)
        tolerate(template, toleration)
    if hint.get("affinity"):
        affinity = _parse(k8s.Affinity, hint["affinity"], "affinity", where)
        _check(k8s.affinity_problem(affinity, "affinity"), where)
        _merge_affinity(template, affinity)


def _check(problem: Optional[str], where: str) -> None:
    """Kubernetes' rules (tekflow.compiler.k8s), as dsl.schedule checks them at the call: for IR files."""
    if problem:
        raise TekflowError(f"{where}: {problem}")


def _parse(cls: type, data: Any, what: str, where: str) -> Any:
    try:
        return from_data(cls, data, what)
    except ModelError as e:
        raise TekflowError(f"{where}: {e}") from None


def _merge_affinity(template: tekton.PodTemplate, given: k8s.Affinity) -> None:
    template.affinity = template.affinity or k8s.Affinity()
    node = given.node_affinity
    if node is not None:
        required = node.required_during_scheduling_ignored_during_execution
        if required and required.node_selector_terms:
            current = template.affinity.node_affinity = template.affinity.node_affinity or k8s.NodeAffinity()
            existing = current.required_during_scheduling_ignored_during_execution
            if existing is None or not existing.node_selector_terms:
                current.required_during_scheduling_ignored_during_execution = required
            else:  # both must hold: every pair of (ORed) terms, ANDed
                existing.node_selector_terms = [
                    k8s.NodeSelectorTerm(match_expressions=[*a.match_expressions, *b.match_expressions],
                                         match_fields=[*a.match_fields, *b.match_fields])
                    for a in existing.node_selector_terms for b in required.node_selector_terms]
        for term in node.preferred_during_scheduling_ignored_during_execution:
            prefer(template, term)
    for name in ("pod_affinity", "pod_anti_affinity"):
        extra: Optional[k8s.PodAffinity] = getattr(given, name)
        if extra is None:
            continue
        current_pod = getattr(template.affinity, name) or k8s.PodAffinity()
        current_pod.required_during_scheduling_ignored_during_execution.extend(
            extra.required_during_scheduling_ignored_during_execution)
        current_pod.preferred_during_scheduling_ignored_during_execution.extend(
            extra.preferred_during_scheduling_ignored_during_execution)
        setattr(template.affinity, name, current_pod)


@dataclass
class Gang:
    name: str  # as given in dsl.schedule(gang=...)
    group: str  # the pod group's name in the cluster
    members: list[TaskNode]
    size: int  # pods (TaskRuns) that start together


def gangs(ctx: Lowering, hints: dict[str, dict[str, Any]]) -> list[Gang]:
    """The gangs of the pipeline, checked: every member's pods must be able to start together."""
    by_name: dict[str, list[TaskNode]] = {}
    for node in ctx.nodes.values():
        gang = (hints.get(node.component.executor_label, {}).get("scheduling") or {}).get("gang")
        if gang:
            by_name.setdefault(str(gang), []).append(node)
    base = ctx.options.run_name or dns_label(ctx.spec.pipeline_info.name)
    result = []
    for name, members in sorted(by_name.items()):
        label_value(name, "gang name", f"task {members[0].kfp_name!r}")
        _check_members(ctx, name, members)
        size = sum(_taskruns(node, name) for node in members)
        result.append(Gang(name=name, group=group_name(base, name), members=members, size=size))
    return result


def _taskruns(node: TaskNode, gang: str) -> int:
    matrix = node.pipeline_task.matrix
    if not matrix:
        return 1
    value = matrix.params[0].value
    if not isinstance(value, list):
        raise TekflowError(f"gang {gang!r}: task {node.kfp_name!r} is in a loop whose size is known only at run "
                           "time; a gang needs loops over constants")
    return len(value)


def _check_members(ctx: Lowering, gang: str, members: list[TaskNode]) -> None:
    names = {m.tekton_name: m for m in members}
    for node in members:
        if node.guards:
            raise TekflowError(f"gang {gang!r}: task {node.kfp_name!r} runs only under a condition; a gang waits for "
                               "all its pods, so its tasks must always run")
    if len({m.is_finally for m in members}) > 1:
        raise TekflowError(f"gang {gang!r}: exit-handler tasks and other tasks cannot start together")
    upstream = _upstream(ctx)
    for node in members:
        before = upstream.get(node.tekton_name, set()) & set(names)
        if before:
            other = names[sorted(before)[0]]
            raise TekflowError(f"gang {gang!r}: task {node.kfp_name!r} runs after {other.kfp_name!r}; tasks of a "
                               "gang must not depend on each other")


def _upstream(ctx: Lowering) -> dict[str, set[str]]:
    """Every task's transitive predecessors, from the dependencies pass's graph."""
    closed: dict[str, set[str]] = {}

    def visit(name: str) -> set[str]:
        if name not in closed:
            closed[name] = set()
            for parent in ctx.task_graph.get(name, ()):
                closed[name] |= {parent} | visit(parent)
        return closed[name]

    for name in ctx.task_graph:
        visit(name)
    return closed


def apply_gang(ctx: Lowering, gang: Gang, scheduler: str, profile: Profile,
               specs: dict[str, tekton.PipelineTaskRunSpec]) -> None:
    where = f"gang {gang.name!r}"
    if ctx.options.document_kind == "pipeline":
        ctx.warnings.append(f"{where}: start this Pipeline's runs with `tekflow submit --pipeline-ref`, which names "
                            f"the pod group after each run; runs started otherwise share {gang.group!r}")
    elif not ctx.options.run_name:
        ctx.warnings.append(f"{where}: concurrent runs of this PipelineRun share the pod group {gang.group!r}; "
                            "compile with --run-name to give each run its own (tekflow submit does)")
    for node in gang.members:
        spec = specs[node.tekton_name]
        meta = metadata(spec)
        if scheduler == "kueue":
            meta.labels[KUEUE_GROUP_LABEL] = gang.group
            meta.annotations[KUEUE_GROUP_COUNT] = str(gang.size)
            if QUEUE_LABEL not in meta.labels:
                ctx.warnings.append(f"{where}: task {node.kfp_name!r} has no queue; Kueue admits it only when the "
                                    "namespace has a default LocalQueue")
        elif scheduler == "volcano":
            meta.annotations[VOLCANO_GROUP_ANNOTATION] = gang.group
            spec.pod_template.scheduler_name = profile.scheduler_name or "volcano"
        else:
            meta.labels[COSCHEDULING_GROUP_LABEL] = gang.group
            if profile.scheduler_name:
                spec.pod_template.scheduler_name = profile.scheduler_name
    if scheduler == "coscheduling" and not profile.scheduler_name:
        ctx.warnings.append(f"{where}: its pods go to the default scheduler, which must run scheduler-plugins' "
                            "coscheduling; when it runs as a second scheduler, name it in the cluster profile "
                            "(scheduler_name: scheduler-plugins-scheduler)")


def pod_group(ctx: Lowering, gang: Gang, scheduler: str, hints: dict[str, dict[str, Any]]) -> Optional[PodGroup]:
    """The PodGroup object Volcano and coscheduling need (Kueue builds its own)."""
    def asked(field: str) -> set[Any]:
        return {(hints[n.component.executor_label].get("scheduling") or {}).get(field) for n in gang.members}

    queues = asked("queue") - {None, ""}
    if len(queues) > 1:
        listed = ", ".join(sorted(map(str, queues)))
        raise TekflowError(f"gang {gang.name!r}: its tasks ask for different queues ({listed}); one queue admits a "
                           "whole gang: give them the same queue")
    if scheduler == "kueue":
        return None
    classes = asked("priority_class")
    priority_class = classes.pop() if len(classes) == 1 and scheduler == "volcano" else None
    queue = str(queues.pop()) if queues and scheduler == "volcano" else None
    return PodGroup(
        api_version=API_VERSIONS[scheduler],
        metadata=k8s.ObjectMeta(name=gang.group, namespace=ctx.options.namespace, labels={
            "tekflow.dev/pipeline": dns_label(ctx.spec.pipeline_info.name), "app.kubernetes.io/managed-by": "tekflow"}),
        spec=PodGroupSpec(min_member=gang.size, priority_class_name=priority_class, queue=queue))
