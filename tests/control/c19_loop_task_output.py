"""dsl.ParallelFor over a task's output list: cubes of range(5), fan-in 0+1+8+27+64 = 100."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def make_range(n: int) -> List[int]:
    return list(range(n))


@dsl.component(base_image="python:3.11")
def cube(x: int) -> int:
    return x ** 3


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="control-loop-task-output")
def loop_task_output(n: int = 5) -> int:
    r = make_range(n=n).set_display_name("make-range")
    with dsl.ParallelFor(r.output) as x:
        c = cube(x=x).set_display_name("cube")
    return total(xs=dsl.Collected(c.output)).set_display_name("total").output


ARGUMENTS = {"n": 5}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 100}
EXPECTED_TASKS = {
    "make-range": {"status": "Succeeded", "outputs": {"Output": [0, 1, 2, 3, 4]}},
    "total": {"status": "Succeeded", "outputs": {"Output": 100}},
}
