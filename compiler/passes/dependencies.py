"""KFP dependentTasks -> runAfter, except where a result reference already orders the tasks."""

from __future__ import annotations

import re

from graphlib import CycleError, TopologicalSorter

from tekflow.errors import NotSupportedError, TekflowError

from ..context import Imported, Lowering, OneOf, TaskArtifact, TaskOutput

_RESULT_REF = re.compile(r"\$\(tasks\.([a-z0-9-]+)\.results\.")


def run(ctx: Lowering) -> None:
    graph: dict[str, set[str]] = {}
    for node in ctx.nodes.values():
        task = node.pipeline_task
        matrix_params = task.matrix.params if task.matrix else []
        texts = [_text(p.value) for p in [*task.params, *matrix_params]] + [w.input or "" for w in task.when]
        implied = {m.group(1) for text in texts for m in _RESULT_REF.finditer(text)}
        upstream = set()
        for dep in node.upstream:
            if dep not in ctx.nodes:
                raise TekflowError(f"task {node.kfp_name!r} depends on unknown task {'/'.join(dep)!r}")
            upstream.add(ctx.node(dep).tekton_name)
        # Artifacts are read from the store, not passed as results: order by runAfter.
        # Values read from manifests (artifacts, dsl.OneOf, tasks in loops) are not results: order by runAfter.
        sources = [*node.artifact_sources.values(), *node.param_sources.values()]
        upstream |= {ctx.node(key).tekton_name for s in sources for key in _producers(s) if key in ctx.nodes}
        finally_names = {n.tekton_name for n in ctx.nodes.values() if n.is_finally}
        if upstream & finally_names or implied & finally_names:
            waits_for = sorted((upstream | implied) & finally_names)
            raise NotSupportedError(f"not supported yet: task {node.kfp_name!r} runs after {', '.join(waits_for)}, "
                                    "an exit task (or .ignore_upstream_failure() task); Tekton runs those last")
        # finally tasks run after all others; Tekton forbids runAfter on them
        task.run_after = [] if node.is_finally else sorted(upstream - implied)
        graph[task.name] = upstream | implied
    ctx.task_graph = graph
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as e:
        raise TekflowError(f"the pipeline's tasks form a cycle: {' -> '.join(e.args[1])}") from None


def _producers(source) -> list:
    if isinstance(source, OneOf):
        return [key for option in source.options for key in _producers(option)]
    if isinstance(source, Imported):
        return _producers(source.uri)
    if isinstance(source, (TaskOutput, TaskArtifact)):
        return [source.producer]
    return []


def _text(value) -> str:
    return value if isinstance(value, str) else " ".join(value if isinstance(value, list) else value.values())
