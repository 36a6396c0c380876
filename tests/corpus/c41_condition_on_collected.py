"""A condition on a fan-in result, after a loop."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def double(x: int) -> int:
    return 2 * x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def mark(label: str) -> str:
    return label


@dsl.pipeline(name="condition-on-collected")
def condition_on_collected(numbers: List[int] = [1, 2, 3]):
    with dsl.ParallelFor(numbers) as n:
        d = double(x=n)
    t = total(xs=dsl.Collected(d.output))
    with dsl.If(t.output > 10):
        mark(label="big").set_display_name("big")
    with dsl.Else():
        mark(label="small").set_display_name("small")


VARIANTS = [
    {"arguments": {}, "tasks": {"big": "Succeeded", "small": "Skipped"}},
    {"arguments": {"numbers": [1]}, "tasks": {"big": "Skipped", "small": "Succeeded"}},
]
