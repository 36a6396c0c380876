"""Nested loops whose inner items come from a task inside the outer loop."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def upto(n: int) -> List[int]:
    return list(range(n))


@dsl.component(base_image="python:3.11")
def pair(a: int, b: int) -> str:
    return f"{a}{b}"


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return " ".join(xs)


@dsl.pipeline(name="nested-loops-dynamic")
def nested_loops_dynamic(sizes: List[int] = [1, 3]) -> str:
    with dsl.ParallelFor(sizes) as n:
        inner = upto(n=n)
        with dsl.ParallelFor(inner.output) as i:
            p = pair(a=n, b=i)
        j = join(xs=dsl.Collected(p.output))
    return join(xs=dsl.Collected(j.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": "10 30 31 32"}
