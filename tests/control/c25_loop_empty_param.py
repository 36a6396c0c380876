"""dsl.ParallelFor over an empty List[int] parameter: the body never runs and the fan-in gives
[] (returned as a pipeline output; its sum 0 and length 0 from tasks)."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def stats(xs: List[int]) -> NamedTuple("Stats", count=int, total=int):
    from collections import namedtuple
    return namedtuple("Stats", ["count", "total"])(len(xs), sum(xs))


@dsl.pipeline(name="control-loop-empty-param")
def loop_empty_param(xs: List[int] = []) -> NamedTuple("Outputs", squares=List[int], count=int, total=int):
    with dsl.ParallelFor(xs) as x:
        s = square(x=x).set_display_name("square")
    st = stats(xs=dsl.Collected(s.output)).set_display_name("stats")
    outputs = NamedTuple("Outputs", squares=List[int], count=int, total=int)
    return outputs(squares=dsl.Collected(s.output), count=st.outputs["count"], total=st.outputs["total"])


ARGUMENTS = {"xs": []}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"squares": [], "count": 0, "total": 0}
EXPECTED_TASKS = {"stats": {"status": "Succeeded", "outputs": {"count": 0, "total": 0}}}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"xs": [2, 3]}, {"squares": [4, 9], "count": 2, "total": 13},
     {"stats": {"status": "Succeeded", "outputs": {"count": 2, "total": 13}}}),
]
