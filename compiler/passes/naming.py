"""Give every task a unique DNS-1123 Tekton name and every output a valid result name."""

from __future__ import annotations

import re

from ..context import Lowering
from ..names import result_name

# kfp's own names for control-flow groups say nothing to the user: leave them out of task names.
_GROUP = re.compile(r"^(condition-branches|condition|for-loop|exit-handler)-\d+$")


def run(ctx: Lowering) -> None:
    for node in ctx.nodes.values():
        readable = [part for part in node.key[:-1] if not _GROUP.match(part)] + [node.key[-1]]
        node.tekton_name = ctx.names.get("-".join(node.key), "-".join(readable))
        outputs = node.component.output_definitions.parameters
        node.result_names = {name: result_name(name) for name in sorted(outputs)}
    _keep_matrix_children_apart(ctx)


def _keep_matrix_children_apart(ctx: Lowering) -> None:
    """Tekton names a matrixed task's TaskRuns `<run>-<task>-<i>`. A task named `<task>-<i>` (kfp
    names a component's second use `<name>-2`) would get the same TaskRun name: Tekton then takes
    the matrix child for that task's run, and the task never runs. Such a loop task is renamed."""
    names = {node.tekton_name for node in ctx.nodes.values()}
    for node in ctx.nodes.values():
        attempt = 0
        while node.loops and any(_matrix_child(node.tekton_name).match(other) for other in names):
            attempt += 1
            renamed = ctx.names.get(f"{'-'.join(node.key)}#matrix{attempt}", f"{node.tekton_name}-loop")
            names.discard(node.tekton_name)
            names.add(renamed)
            node.tekton_name = renamed


def _matrix_child(task: str) -> re.Pattern:
    return re.compile(re.escape(task) + r"-\d+$")
