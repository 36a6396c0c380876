"""The DAG of a pipeline's tasks (Tekton's dag.Build): unique names, no cycle, known dependencies.

A task depends on the tasks named in its `runAfter` and on those whose results it uses (in
params, matrix, when expressions and its own steps).
"""

from __future__ import annotations

from tekflow.compiler import tekton

from .field_errors import go_quote
from .substitution import expressions, result_refs


def task_result_refs(task: tekton.PipelineTask) -> list:
    """Every result reference of a PipelineTask (Tekton's PipelineTaskResultRefs)."""
    texts: list[str] = []
    for param in all_params(task):
        texts.extend(param_texts(param.value))
    for when in task.when:
        texts.extend([when.input or "", when.cel or "", *when.values])
    if task.task_spec is not None:
        for step in task.task_spec.steps:
            texts.extend(step_expression_texts(step))
        for sidecar in task.task_spec.sidecars:
            texts.extend([sidecar.name, sidecar.image or "", sidecar.script or "", *sidecar.command, *sidecar.args,
                          *(e.value or "" for e in sidecar.env)])
    return result_refs([e for text in texts for e in expressions(text)])


def all_params(task: tekton.PipelineTask) -> list[tekton.Param]:
    """params, matrix params and matrix include params (Tekton's extractAllParams)."""
    params = list(task.params)
    if task.matrix is not None:
        params += task.matrix.params
        params += [p for include in task.matrix.include for p in include.params]
    return params


def param_texts(value: tekton.ParamValue) -> list[str]:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def step_expression_texts(step: tekton.Step) -> list[str]:
    texts = [step.name, step.image or "", step.image_pull_policy or "", step.script or "", step.working_dir or "",
             *step.command, *step.args]
    for env in step.env:
        texts.append(env.value or "")
        source = env.value_from
        for selector in (source.secret_key_ref, source.config_map_key_ref) if source is not None else ():
            if selector is not None:
                texts.extend([getattr(selector, "key", "") or "", getattr(selector, "name", "") or ""])
    return texts


def dependencies(task: tekton.PipelineTask) -> list[str]:
    return sorted({ref.task for ref in task_result_refs(task)} | set(task.run_after))


def graph_problem(tasks: list[tekton.PipelineTask]) -> str:
    """Tekton's dag.Build error for these tasks, or "" when they form a valid graph."""
    names: set[str] = set()
    for task in tasks:
        if task.name in names:
            return (f"task {task.name} is already present in Graph, can't add it again: "
                    "duplicate pipeline task")
        names.add(task.name)
    deps = {task.name: dependencies(task) for task in tasks}
    deps = {name: d for name, d in deps.items() if d}
    cycle = _cycle(deps)
    if cycle:
        return f"cycle detected; {cycle}"
    for task in tasks:
        for previous in deps.get(task.name, []):
            if previous not in names:
                return (f"couldn't add link between {task.name} and {previous}: task {task.name} depends on "
                        f"{previous} but {previous} wasn't present in Pipeline")
    return ""


def _cycle(deps: dict[str, list[str]]) -> str:
    """Peel off tasks whose dependencies are all done; what is left lies on or behind a cycle."""
    remaining = {name: set(d) for name, d in deps.items()}
    ready = [d for ds in deps.values() for d in ds if not deps.get(d)]
    children: dict[str, set[str]] = {}
    for name, ds in deps.items():
        for d in ds:
            children.setdefault(d, set()).add(name)
    while ready:
        parent = ready.pop()
        for child in children.pop(parent, set()):
            remaining[child].discard(parent)
            if not remaining[child]:
                ready.append(child)
                del remaining[child]
    if not remaining:
        return ""
    first = min(remaining)
    return f"task {go_quote(first)} depends on {', '.join(go_quote(d) for d in sorted(remaining[first]))}"
