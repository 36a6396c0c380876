"""KFP dependentTasks -> runAfter, except where a result reference already orders the tasks."""

from __future__ import annotations

import re

import networkx as nx

from tekflow.errors import TekflowError

from ..context import Lowering

_RESULT_REF = re.compile(r"\$\(tasks\.([a-z0-9-]+)\.results\.")


def run(ctx: Lowering) -> None:
    graph = nx.DiGraph()
    for node in ctx.nodes.values():
        task = node.pipeline_task
        graph.add_node(task.name)
        implied = {m.group(1) for p in task.params for m in _RESULT_REF.finditer(_text(p.value))}
        upstream = set()
        for dep in node.spec.dependent_tasks:
            if dep not in ctx.nodes:
                raise TekflowError(f"task {node.kfp_name!r} depends on unknown task {dep!r}")
            upstream.add(ctx.node(dep).tekton_name)
        task.run_after = sorted(upstream - implied)
        graph.add_edges_from((u, task.name) for u in upstream | implied)
    if not nx.is_directed_acyclic_graph(graph):
        cycle = " -> ".join(u for u, _ in nx.find_cycle(graph))
        raise TekflowError(f"the pipeline's tasks form a cycle: {cycle}")


def _text(value) -> str:
    return value if isinstance(value, str) else " ".join(value if isinstance(value, list) else value.values())
