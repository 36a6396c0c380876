"""A condition on a body task's output inside the loop."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def parity(x: int) -> str:
    return "even" if x % 2 == 0 else "odd"


@dsl.component(base_image="python:3.11")
def tag(x: int, kind: str) -> str:
    return f"{kind}{x}"


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return ",".join(xs)


@dsl.pipeline(name="loop-condition-output")
def loop_condition_output() -> str:
    with dsl.ParallelFor([1, 2, 3, 4]) as x:
        p = parity(x=x)
        with dsl.If(p.output == "even"):
            t = tag(x=x, kind="e")
    return join(xs=dsl.Collected(t.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": "e2,e4"}
