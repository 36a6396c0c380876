"""Nested dynamic loops: the outer over a List[int] parameter, the inner over a task output
computed in the outer body (1..row); a fan-in inside the outer loop (per-row sum) and one after
it. rows [2, 3]: products [[2, 4], [3, 6, 9]], row sums [6, 18], total 24."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def count_up(n: int) -> List[int]:
    return list(range(1, n + 1))


@dsl.component(base_image="python:3.11")
def mul(x: int, y: int) -> int:
    return x * y


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="control-nested-loops-dynamic")
def nested_loops_dynamic(rows: List[int] = [1]) -> NamedTuple("Outputs", row_sums=List[int], total=int):
    with dsl.ParallelFor(rows) as row:
        ks = count_up(n=row).set_display_name("count-up")
        with dsl.ParallelFor(ks.output) as k:
            m = mul(x=row, y=k).set_display_name("mul")
        s = total(xs=dsl.Collected(m.output)).set_display_name("row-sum")
    t = total(xs=dsl.Collected(s.output)).set_display_name("grand-total")
    outputs = NamedTuple("Outputs", row_sums=List[int], total=int)
    return outputs(row_sums=dsl.Collected(s.output), total=t.output)


ARGUMENTS = {"rows": [2, 3]}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"row_sums": [6, 18], "total": 24}
EXPECTED_TASKS = {"grand-total": {"status": "Succeeded", "outputs": {"Output": 24}}}
