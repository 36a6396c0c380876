"""parallelism=2: the loop runs as two batches; results as if all ran."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def cube(x: int) -> int:
    return x ** 3


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="loop-parallelism")
def loop_parallelism() -> int:
    with dsl.ParallelFor([1, 2, 3, 4, 5], parallelism=2) as x:
        c = cube(x=x).set_display_name("cube")
    return total(xs=dsl.Collected(c.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": 225}
TASKRUNS = {"cube": 2}  # two matrix children, each running its batch of iterations
