"""ParallelFor over a List[int] pipeline parameter (enumerated at run time)."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def double(x: int) -> int:
    return 2 * x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="loop-param")
def loop_param(numbers: List[int] = [1, 2, 3]) -> int:
    with dsl.ParallelFor(numbers) as n:
        d = double(x=n)
    return total(xs=dsl.Collected(d.output)).output


VARIANTS = [
    {"arguments": {}, "expected": {"Output": 12}},
    {"arguments": {"numbers": [10, 20, 30, 40]}, "expected": {"Output": 200}},
]
