"""dsl.ParallelFor with parallelism=2 over six items (two batches); fan-in sum of squares
1..6 = 91 and the collected list in iteration order."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="control-loop-parallelism")
def loop_parallelism() -> NamedTuple("Outputs", squares=List[int], total=int):
    with dsl.ParallelFor([1, 2, 3, 4, 5, 6], parallelism=2) as x:
        s = square(x=x).set_display_name("square")
    t = total(xs=dsl.Collected(s.output)).set_display_name("total")
    outputs = NamedTuple("Outputs", squares=List[int], total=int)
    return outputs(squares=dsl.Collected(s.output), total=t.output)


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"squares": [1, 4, 9, 16, 25, 36], "total": 91}
EXPECTED_TASKS = {"total": {"status": "Succeeded", "outputs": {"Output": 91}}}
