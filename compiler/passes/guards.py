"""dsl.If / Elif / Else / Condition -> Tekton `when` expressions on each guarded task.

Every task inside a condition group carries the group's comparisons (flatten collects them,
outermost first). A comparison becomes a plain `when` (`in` / `notin`, no CEL, no extra pod)
when it tests equality of one value against a literal and the value crosses Tekton in a
canonical text form: a pipeline param or a task result of type STRING, NUMBER_INTEGER or
BOOLEAN. A comparison of compile-time constants is decided here. Anything else is reported as
not supported yet.
"""

from __future__ import annotations

from typing import Any

from tekflow.errors import NotSupportedError

from .. import tekton
from ..conditions import Comparison, InputRef, Literal, evaluate
from ..context import Constant, Guard, Lowering, PipelineParam, TaskNode, TaskOutput
from ..names import param_name
from ..parameters import encode

# Types whose Tekton text is canonical (one text per value) on both sides of the comparison.
_TEXT_EXACT = {"STRING", "NUMBER_INTEGER", "BOOLEAN"}
# A value this short is never spilled out of its result (see the runtime contract), so a
# result compares against it exactly.
_MAX_LITERAL_BYTES = 1024
_SPILL_SENTINEL = "tekflow:spilled"


def run(ctx: Lowering) -> None:
    for node in ctx.nodes.values():
        for guard in node.guards:
            node.pipeline_task.when.append(_when(ctx, node, guard))


def _when(ctx: Lowering, node: TaskNode, guard: Guard) -> tekton.WhenExpression:
    comparison = guard.comparison
    refs = comparison.refs()
    sources = {ref.name: guard.source(ref.name) for ref in refs}
    if all(isinstance(source, Constant) for source, _ in sources.values()):
        holds = evaluate([comparison], {name: source.value for name, (source, _) in sources.items()})
        return tekton.WhenExpression(input="true" if holds else "false", operator="in", values=["true"])
    if comparison.operator not in ("==", "!=") or len(refs) != 1:
        raise _unsupported(node, guard, "ordered comparisons (<, <=, >, >=) and comparisons of two task values")
    ref = refs[0]
    literal = comparison.right if isinstance(comparison.right, Literal) else comparison.left
    source, kfp_type = sources[ref.name]
    if kfp_type not in _TEXT_EXACT:
        raise _unsupported(node, guard, f"comparisons of {kfp_type} values")
    text = _literal_text(literal.value, ref, kfp_type)
    if text is None or len(text.encode()) > _MAX_LITERAL_BYTES or text == _SPILL_SENTINEL:
        raise _unsupported(node, guard, f"comparing a {kfp_type} value with {literal.value!r}")
    if isinstance(source, PipelineParam):
        value = f"$(params.{param_name(source.name)})"
    elif isinstance(source, TaskOutput):
        producer = ctx.node(source.producer)
        value = f"$(tasks.{producer.tekton_name}.results.{producer.result_names[source.output]})"
    else:
        raise _unsupported(node, guard, f"conditions on {type(source).__name__} values")
    equal = (comparison.operator == "==") != comparison.negate
    return tekton.WhenExpression(input=value, operator="in" if equal else "notin", values=[text])


def _literal_text(value: Any, ref: InputRef, kfp_type: str) -> str | None:
    """The literal as the value's Tekton text, or None when the types cannot be equal."""
    if kfp_type == "STRING" and not ref.cast:
        return value if isinstance(value, str) else None
    if kfp_type == "NUMBER_INTEGER" or ref.cast == "int":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) != int(value):
            return None
        return encode(int(value), "NUMBER_INTEGER")
    if kfp_type == "BOOLEAN":
        return encode(value, "BOOLEAN") if isinstance(value, bool) else None
    return None


def _unsupported(node: TaskNode, guard: Guard, what: str) -> NotSupportedError:
    return NotSupportedError(f"not supported yet: {what} in condition {guard.group!r} of task {node.kfp_name!r}")
