"""dsl.Collected of parameters from nested loops (x in [1, 2], y in [10, 20, 30]): a nested list
[[10, 20, 30], [20, 40, 60]], summed by a task (180) and returned as a pipeline output."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mul(x: int, y: int) -> int:
    return x * y


@dsl.component(base_image="python:3.11")
def grid_sum(grid: List[List[int]]) -> int:
    return sum(v for row in grid for v in row)


@dsl.pipeline(name="control-collected-nested-params")
def collected_nested_params() -> NamedTuple("Outputs", grid=List[List[int]], total=int):
    with dsl.ParallelFor([1, 2]) as x:
        with dsl.ParallelFor([10, 20, 30]) as y:
            m = mul(x=x, y=y).set_display_name("mul")
    s = grid_sum(grid=dsl.Collected(m.output)).set_display_name("grid-sum")
    outputs = NamedTuple("Outputs", grid=List[List[int]], total=int)
    return outputs(grid=dsl.Collected(m.output), total=s.output)


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"grid": [[10, 20, 30], [20, 40, 60]], "total": 180}
EXPECTED_TASKS = {"grid-sum": {"status": "Succeeded", "outputs": {"Output": 180}}}
