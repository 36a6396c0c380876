"""A pipeline component used inside a loop and inside a condition in that loop, fanned in with
dsl.Collected. describe(n) = "n^2=n*n"; only n >= 2 also goes through the condition."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def show(x: int, sq: int) -> str:
    return f"{x}^2={sq}"


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return ",".join(xs)


@dsl.pipeline(name="control-describe")
def describe(n: int) -> str:
    s = square(x=n)
    return show(x=n, sq=s.output).output


@dsl.pipeline(name="control-pipeline-component-in-loop")
def pipeline_component_in_loop() -> NamedTuple("Outputs", all=str, big=List[str]):
    with dsl.ParallelFor([1, 2, 3]) as n:
        d = describe(n=n).set_display_name("describe")
        with dsl.If(n >= 2):
            b = describe(n=n).set_display_name("describe-big")
    j = join(xs=dsl.Collected(d.output)).set_display_name("join")
    outputs = NamedTuple("Outputs", all=str, big=List[str])
    return outputs(all=j.output, big=dsl.Collected(b.output))


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"all": "1^2=1,2^2=4,3^2=9", "big": ["2^2=4", "3^2=9"]}
EXPECTED_TASKS = {"join": {"status": "Succeeded", "outputs": {"Output": "1^2=1,2^2=4,3^2=9"}}}
