"""A loop over an empty list: its tasks are skipped and the fan-in gives []."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def ident(x: int) -> int:
    return x


@dsl.component(base_image="python:3.11")
def describe(xs: List[int]) -> str:
    return f"{len(xs)} items: {xs}"


@dsl.pipeline(name="loop-empty")
def loop_empty(numbers: List[int] = []) -> str:
    with dsl.ParallelFor(numbers) as x:
        i = ident(x=x).set_display_name("ident")
    return describe(xs=dsl.Collected(i.output)).output


VARIANTS = [
    {"arguments": {}, "expected": {"Output": "0 items: []"}, "tasks": {"ident": "Skipped"}},
    {"arguments": {"numbers": [7]}, "expected": {"Output": "1 items: [7]"}, "tasks": {"ident": "Succeeded"}},
]
