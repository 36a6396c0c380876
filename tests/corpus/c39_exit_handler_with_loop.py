"""An exit handler around a loop and a condition."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus) -> str:
    return status.state


@dsl.pipeline(name="exit-handler-with-loop")
def exit_handler_with_loop():
    exit_task = report().set_display_name("report")
    with dsl.ExitHandler(exit_task):
        with dsl.ParallelFor([1, 2, 3]) as x:
            s = square(x=x)
        total(xs=dsl.Collected(s.output)).set_display_name("total")


ARGUMENTS = {}
EXPECTED = {}
EXPECTED_TASKS = {"report": {"status": "Succeeded", "outputs": {"Output": "SUCCEEDED"}},
                  "total": {"status": "Succeeded", "outputs": {"Output": 14}}}
