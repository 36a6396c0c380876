"""A pipeline used as a component inside another, with inputs and an output, called twice in a
chain: affine(x) = 2x + 3; affine(affine(4)) = 2 * 11 + 3 = 25."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mul(x: int, y: int) -> int:
    return x * y


@dsl.component(base_image="python:3.11")
def add(x: int, y: int) -> int:
    return x + y


@dsl.pipeline(name="control-affine")
def affine(x: int, scale: int = 2, shift: int = 3) -> int:
    m = mul(x=x, y=scale).set_display_name("scale")
    return add(x=m.output, y=shift).set_display_name("shift").output


@dsl.pipeline(name="control-pipeline-as-component")
def pipeline_as_component(x: int = 4) -> int:
    once = affine(x=x).set_display_name("affine-once")
    twice = affine(x=once.output).set_display_name("affine-twice")
    return add(x=twice.output, y=0).set_display_name("result").output


ARGUMENTS = {"x": 4}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 25}
EXPECTED_TASKS = {"result": {"status": "Succeeded", "outputs": {"Output": 25}}}
