"""Pipelines as components nested two deep (outer -> middle -> inner), the inner one returning a
NamedTuple; outputs flow out through both levels. inner(5) = (sum 5 + 1 = 6, product 5 * 2 = 10);
middle(5) = 6 + 10 = 16; the outer adds middle(5) and middle(1) = 2 + 2 = 4: 20."""
from typing import NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def add(x: int, y: int) -> int:
    return x + y


@dsl.component(base_image="python:3.11")
def mul(x: int, y: int) -> int:
    return x * y


@dsl.pipeline(name="control-inner")
def inner(n: int) -> NamedTuple("Inner", plus=int, times=int):
    a = add(x=n, y=1).set_display_name("inner-add")
    m = mul(x=n, y=2).set_display_name("inner-mul")
    outputs = NamedTuple("Inner", plus=int, times=int)
    return outputs(plus=a.output, times=m.output)


@dsl.pipeline(name="control-middle")
def middle(n: int) -> int:
    i = inner(n=n)
    return add(x=i.outputs["plus"], y=i.outputs["times"]).set_display_name("middle-add").output


@dsl.pipeline(name="control-nested-pipelines-two-deep")
def nested_pipelines_two_deep(a: int = 5, b: int = 1) -> int:
    first = middle(n=a)
    second = middle(n=b)
    return add(x=first.output, y=second.output).set_display_name("outer-add").output


ARGUMENTS = {"a": 5, "b": 1}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 20}
EXPECTED_TASKS = {"outer-add": {"status": "Succeeded", "outputs": {"Output": 20}}}
