"""ParallelFor over a task's output list, with a body of two dependent tasks."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def make_list(n: int) -> List[int]:
    return list(range(1, n + 1))


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def plus(a: int, b: int) -> int:
    return a + b


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="loop-task-output")
def loop_task_output(n: int = 4) -> int:
    items = make_list(n=n)
    with dsl.ParallelFor(items.output) as x:
        s = square(x=x)
        p = plus(a=s.output, b=x)  # per-iteration data flow: this iteration's square
    return total(xs=dsl.Collected(p.output)).output


VARIANTS = [
    {"arguments": {"n": 4}, "expected": {"Output": (1 + 4 + 9 + 16) + (1 + 2 + 3 + 4)}},
    {"arguments": {"n": 6}, "expected": {"Output": 91 + 21}},
]
