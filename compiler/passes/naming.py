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
