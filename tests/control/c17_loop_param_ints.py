"""dsl.ParallelFor over a List[int] pipeline parameter; add one each, fan-in sum
(11 + 21 + 31 + 41 = 104 for the run's arguments)."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def add_one(x: int) -> int:
    return x + 1


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="control-loop-param-ints")
def loop_param_ints(nums: List[int] = [4, 5, 6]) -> int:
    with dsl.ParallelFor(nums) as x:
        a = add_one(x=x).set_display_name("add-one")
    return total(xs=dsl.Collected(a.output)).set_display_name("total").output


ARGUMENTS = {"nums": [10, 20, 30, 40]}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 104}
EXPECTED_TASKS = {"total": {"status": "Succeeded", "outputs": {"Output": 104}}}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({}, {"Output": 18}, {"total": {"status": "Succeeded", "outputs": {"Output": 18}}}),  # the default [4, 5, 6]
]
