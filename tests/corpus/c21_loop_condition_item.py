"""A condition on the loop item inside the loop; the fan-in sees only iterations that ran."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def keep(x: int) -> int:
    return x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="loop-condition-item")
def loop_condition_item(limit: int = 3) -> int:
    with dsl.ParallelFor([1, 2, 3, 4, 5, 6]) as x:
        with dsl.If(x > limit):
            k = keep(x=x)
    return total(xs=dsl.Collected(k.output)).output


VARIANTS = [
    {"arguments": {"limit": 3}, "expected": {"Output": 15}},
    {"arguments": {"limit": 5}, "expected": {"Output": 6}},
    {"arguments": {"limit": 9}, "expected": {"Output": 0}},
]
