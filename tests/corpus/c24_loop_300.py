"""A loop of 300 iterations, more than Tekton's matrix cap of 256: batched, then summed."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def ident(x: int) -> int:
    return x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="loop-300")
def loop_300(numbers: List[int] = list(range(300))) -> int:
    with dsl.ParallelFor(numbers, parallelism=4) as x:
        i = ident(x=x).set_display_name("ident")
    return total(xs=dsl.Collected(i.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": sum(range(300))}
TASKRUNS = {"ident": 4}
