"""dsl.Collected returned as the pipeline's output."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.pipeline(name="collected-output")
def collected_output() -> List[int]:
    with dsl.ParallelFor([3, 1, 2]) as x:
        s = square(x=x)
    return dsl.Collected(s.output)


ARGUMENTS = {}
EXPECTED = {"Output": [9, 1, 4]}
