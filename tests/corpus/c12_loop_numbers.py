"""ParallelFor over literal numbers; the fan-in sums the squares."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="loop-numbers")
def loop_numbers() -> int:
    with dsl.ParallelFor([1, 2, 3, 4, 5]) as x:
        s = square(x=x)
    return total(xs=dsl.Collected(s.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": 55}
