"""dsl.OneOf returned directly as a pipeline output (gathered by the pipeline-outputs task)."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def value(v: int) -> int:
    return v


@dsl.pipeline(name="oneof-output")
def oneof_output(pick_first: bool = True) -> int:
    with dsl.If(pick_first == True):  # noqa: E712
        a = value(v=1)
    with dsl.Else():
        b = value(v=2)
    return dsl.OneOf(a.output, b.output)


VARIANTS = [
    {"arguments": {"pick_first": True}, "expected": {"Output": 1}},
    {"arguments": {"pick_first": False}, "expected": {"Output": 2}},
]
