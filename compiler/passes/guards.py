"""dsl.If / Elif / Else / Condition -> Tekton `when` expressions on each guarded task.

Every task inside a condition group carries the group's comparisons (flatten collects them,
outermost first). A comparison becomes a plain `when` (`in` / `notin`, no CEL, no extra pod)
when it tests equality of one value against a literal and the value crosses Tekton in a
canonical text form: a pipeline param or a task result of type STRING, NUMBER_INTEGER or
BOOLEAN. A comparison of compile-time constants is decided here. Any other comparison (ordered,
doubles, loop items, values of tasks inside loops) is evaluated by the task's own launcher,
which then skips the main step (no extra pod).
"""

from __future__ import annotations

from typing import Any, Optional

from .. import tekton
from ..conditions import InputRef, Literal, evaluate
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
    helpers_done = set()
    for node in ctx.nodes.values():
        whens = [_when(ctx, node, guard) for guard in node.guards]
        for guard, when in zip(node.guards, whens):
            if when is None:
                node.launcher_guards.append(guard)
            else:
                node.when.append(when)
        key = tuple(loop.key for loop in node.loops)
        if key in ctx.helpers and key not in helpers_done:
            # A loop nest's iterations task runs only where the nest is entered, so it gets the
            # Tekton `when`s of the conditions around the nest. Launcher-evaluated ones it does
            # not need: it reads items from a task its launcher skipped as no iterations.
            helpers_done.add(key)
            ctx.helpers[key].when.extend(w for w in whens[:node.loops[0].guard_depth] if w is not None)


def _when(ctx: Lowering, node: TaskNode, guard: Guard) -> Optional[tekton.WhenExpression]:
    """A plain Tekton `when` for this comparison, or None when the launcher must evaluate it."""
    comparison = guard.comparison
    refs = comparison.refs()
    sources = {ref.name: guard.source(ref.name) for ref in refs}
    if all(isinstance(source, Constant) for source, _ in sources.values()):
        holds = evaluate([comparison], {name: source.value for name, (source, _) in sources.items()})
        return tekton.WhenExpression(input="true" if holds else "false", operator="in", values=["true"])
    if comparison.operator not in ("==", "!=") or len(refs) != 1:
        return None
    ref = refs[0]
    literal = comparison.right if isinstance(comparison.right, Literal) else comparison.left
    source, kfp_type = sources[ref.name]
    if kfp_type not in _TEXT_EXACT:
        return None
    text = _literal_text(literal.value, ref, kfp_type)
    if text is None or len(text.encode()) > _MAX_LITERAL_BYTES or text == _SPILL_SENTINEL or "$(" in text:
        return None  # "$(": Tekton would substitute it in the `when` values (it has no escape)
    if isinstance(source, PipelineParam):
        value = f"$(params.{param_name(source.name)})"
    elif isinstance(source, TaskOutput) and not source.collected and not ctx.node(source.producer).loops \
            and not ctx.node(source.producer).guards:  # a producer Tekton may skip: see sources._task_value
        producer = ctx.node(source.producer)
        value = f"$(tasks.{producer.tekton_name}.results.{producer.result_names[source.output]})"
    else:  # loop items, values of tasks inside loops: per iteration, so only the launcher knows them
        return None
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
