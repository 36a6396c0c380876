"""A loop over a task's List[dict] output with field access, and a string list item."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def people() -> List[dict]:
    return [{"who": "ada", "age": 36}, {"who": "alan", "age": 41}]


@dsl.component(base_image="python:3.11")
def describe(name: str, age: int) -> str:
    return f"{name}:{age + 1}"


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return " ".join(xs)


@dsl.pipeline(name="loop-over-dict-output")
def loop_over_dict_output() -> str:
    p = people()
    with dsl.ParallelFor(p.output) as person:
        d = describe(name=person.who, age=person.age)
    return join(xs=dsl.Collected(d.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": "ada:37 alan:42"}
