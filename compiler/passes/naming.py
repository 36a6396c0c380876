"""Give every task a unique DNS-1123 Tekton name and every output a valid result name."""

from __future__ import annotations

import re
from collections import Counter

from ..context import Lowering
from ..names import result_name

# kfp's own names for control-flow groups say nothing to the user: leave them out of task names.
_GROUP = re.compile(r"^(condition-branches|condition|for-loop|exit-handler)-\d+$")
_MATRIX_CHILD = re.compile(r"-\d+$")


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
    # how many names are shaped like a child `<task>-<i>` of each <task>: one pass, not one per pair
    stems = Counter(_MATRIX_CHILD.sub("", node.tekton_name) for node in ctx.nodes.values()
                    if _MATRIX_CHILD.search(node.tekton_name))
    for node in ctx.nodes.values():
        attempt = 0
        while node.loops and stems[node.tekton_name]:
            attempt += 1
            renamed = ctx.names.get(f"{'-'.join(node.key)}#matrix{attempt}", f"{node.tekton_name}-loop")
            for name, change in ((node.tekton_name, -1), (renamed, 1)):
                if _MATRIX_CHILD.search(name):
                    stems[_MATRIX_CHILD.sub("", name)] += change
            node.tekton_name = renamed
