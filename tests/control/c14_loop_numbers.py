"""dsl.ParallelFor over a literal list of numbers; fan-in sum of squares 1..5 = 55."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="control-loop-numbers")
def loop_numbers() -> int:
    with dsl.ParallelFor([1, 2, 3, 4, 5]) as x:
        s = square(x=x).set_display_name("square")
    return total(xs=dsl.Collected(s.output)).set_display_name("total").output


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 55}
EXPECTED_TASKS = {"total": {"status": "Succeeded", "outputs": {"Output": 55}}}
