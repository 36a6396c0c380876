"""Give every task a unique DNS-1123 Tekton name and every output a valid result name."""

from __future__ import annotations

from ..context import Lowering
from ..names import result_name


def run(ctx: Lowering) -> None:
    for node in ctx.nodes.values():
        node.tekton_name = ctx.names.get("-".join(node.key))
        outputs = node.component.output_definitions.parameters
        node.result_names = {name: result_name(name) for name in sorted(outputs)}
