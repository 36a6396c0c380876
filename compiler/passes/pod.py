"""Pod-level settings of one task: its `taskRunSpecs[]` entry, its main step, merging helpers."""

from __future__ import annotations

from .. import k8s, tekton
from ..context import Lowering, TaskNode


def task_run_spec(ctx: Lowering, node: TaskNode) -> tekton.PipelineTaskRunSpec:
    """The task's `PipelineRun.spec.taskRunSpecs[]` entry, created on first use."""
    for spec in ctx.run_task_run_specs:
        if spec.pipeline_task_name == node.tekton_name:
            return spec
    spec = tekton.PipelineTaskRunSpec(pipeline_task_name=node.tekton_name, pod_template=tekton.PodTemplate())
    ctx.run_task_run_specs.append(spec)
    return spec


def metadata(spec: tekton.PipelineTaskRunSpec) -> tekton.PipelineTaskMetadata:
    spec.metadata = spec.metadata or tekton.PipelineTaskMetadata()
    return spec.metadata


def main_step(node: TaskNode) -> tekton.Step:
    return next(s for s in node.pipeline_task.task_spec.steps if s.name == "main")


def require(template: tekton.PodTemplate, requirements: list[k8s.NodeSelectorRequirement]) -> None:
    """Add node requirements to every required term (terms are ORed, so each must hold them)."""
    template.affinity = template.affinity or k8s.Affinity()
    affinity = template.affinity.node_affinity = template.affinity.node_affinity or k8s.NodeAffinity()
    selector = affinity.required_during_scheduling_ignored_during_execution or k8s.NodeSelector()
    if not selector.node_selector_terms:
        selector.node_selector_terms.append(k8s.NodeSelectorTerm())
    affinity.required_during_scheduling_ignored_during_execution = selector
    for term in selector.node_selector_terms:
        term.match_expressions.extend(r for r in requirements if r not in term.match_expressions)


def prefer(template: tekton.PodTemplate, term: k8s.PreferredSchedulingTerm) -> None:
    template.affinity = template.affinity or k8s.Affinity()
    affinity = template.affinity.node_affinity = template.affinity.node_affinity or k8s.NodeAffinity()
    affinity.preferred_during_scheduling_ignored_during_execution.append(term)


def tolerate(template: tekton.PodTemplate, toleration: k8s.Toleration) -> None:
    if toleration not in template.tolerations:
        template.tolerations.append(toleration)
