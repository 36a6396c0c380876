"""dsl.OneOf over branches for an artifact (Output[Dataset]), consumed by a task."""
from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def write(text: str, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write(text)


@dsl.component(base_image="python:3.11")
def read(data: Input[Dataset]) -> str:
    return open(data.path).read()


@dsl.pipeline(name="oneof-artifact")
def oneof_artifact(big: bool = True) -> str:
    with dsl.If(big == True):  # noqa: E712
        a = write(text="BIG").set_display_name("big")
    with dsl.Else():
        b = write(text="small").set_display_name("small")
    return read(data=dsl.OneOf(a.outputs["data"], b.outputs["data"])).output


VARIANTS = [
    {"arguments": {"big": True}, "expected": {"Output": "BIG"}},
    {"arguments": {"big": False}, "expected": {"Output": "small"}},
]
