"""`.after()` across groups: a loop body after a task outside it, a task after a whole loop, a
task inside a condition after a task outside, a second loop after the first, and a task after
both branches of an If/Else. Data flows only through the last task; the ordering is what the
compile test checks (runAfter)."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def value(x: int) -> int:
    return x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="control-after-across-groups")
def after_across_groups(n: int = 2) -> int:
    start = value(x=1).set_display_name("start")
    with dsl.ParallelFor([1, 2, 3]) as i:
        body = value(x=i).after(start).set_display_name("loop-one")
    middle = value(x=10).after(body).set_display_name("after-loop")
    with dsl.ParallelFor([4, 5]) as j:
        second = value(x=j).after(middle).set_display_name("loop-two")
    with dsl.If(n > 1):
        big = value(x=100).after(start).set_display_name("if-branch")
    with dsl.Else():
        small = value(x=0).after(start).set_display_name("else-branch")
    end = total(xs=dsl.Collected(second.output)).after(big, small).set_display_name("end")
    return end.output


ARGUMENTS = {"n": 2}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 9}
EXPECTED_TASKS = {
    "start": {"status": "Succeeded", "outputs": {"Output": 1}},
    "after-loop": {"status": "Succeeded", "outputs": {"Output": 10}},
    "if-branch": {"status": "Succeeded", "outputs": {"Output": 100}},
    "else-branch": {"status": "Skipped"},
    "end": {"status": "Succeeded", "outputs": {"Output": 9}},
}
