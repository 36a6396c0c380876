"""Nested loops over constants: a multiplication table, collected two levels deep."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def times(a: int, b: int) -> int:
    return a * b


@dsl.component(base_image="python:3.11")
def row_sum(xs: List[int]) -> int:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="nested-loops-constant")
def nested_loops_constant() -> int:
    with dsl.ParallelFor([1, 2, 3]) as a:
        with dsl.ParallelFor([10, 20]) as b:
            t = times(a=a, b=b)
        r = row_sum(xs=dsl.Collected(t.output))
    return total(xs=dsl.Collected(r.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": (1 + 2 + 3) * 30}
