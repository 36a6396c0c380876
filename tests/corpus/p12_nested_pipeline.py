"""A pipeline used as a component, two levels deep, with defaults and outputs."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def add(a: int, b: int) -> int:
    return a + b


@dsl.pipeline(name="inner")
def inner(x: int, step: int = 10) -> int:
    return add(a=x, b=step).output


@dsl.pipeline(name="middle")
def middle(x: int) -> int:
    once = inner(x=x)
    return inner(x=once.output, step=1).output


@dsl.pipeline(name="nested-pipeline")
def nested_pipeline(x: int = 0) -> int:
    m = middle(x=x)
    return add(a=m.output, b=100).output


ARGUMENTS = {"x": 5}
EXPECTED = {"Output": 116}
