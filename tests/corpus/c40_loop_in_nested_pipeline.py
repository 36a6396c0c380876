"""A loop inside a pipeline used as a component; its collected output flows out."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def inc(x: int) -> int:
    return x + 1


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="sum-incremented")
def sum_incremented(values: List[int]) -> int:
    with dsl.ParallelFor(values) as v:
        i = inc(x=v)
    return total(xs=dsl.Collected(i.output)).output


@dsl.pipeline(name="loop-in-nested-pipeline")
def loop_in_nested_pipeline(values: List[int] = [1, 2, 3]) -> int:
    first = sum_incremented(values=values)
    return inc(x=first.output).output


ARGUMENTS = {"values": [10, 20]}
EXPECTED = {"Output": 33}
