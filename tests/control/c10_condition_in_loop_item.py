"""Conditions inside a loop on the loop item: If x > 3 squares (fan-in keeps only the iterations
that ran: 16 + 25 + 36 = 77), If x == 2 and If x != 2 on the same item.
(kfp 2.17 cannot compile dsl.Collected of a task in an If/Else branch inside a loop:
AttributeError in build_oneof_dag_outputs; so the branches here are separate Ifs.)"""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def label(x: int, what: str) -> str:
    return f"{what}{x}"


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return ",".join(xs)


@dsl.pipeline(name="control-condition-in-loop-item")
def condition_in_loop_item() -> NamedTuple("Outputs", kept=List[int], total=int, labels=str):
    with dsl.ParallelFor([1, 2, 3, 4, 5, 6]) as x:
        with dsl.If(x > 3):
            s = square(x=x).set_display_name("square-big")
        with dsl.If(x == 2):
            two = label(x=x, what="two:").set_display_name("is-two")
        with dsl.If(x != 2):
            other = label(x=x, what="not-two:").set_display_name("not-two")
    t = total(xs=dsl.Collected(s.output)).set_display_name("total")
    j = join(xs=dsl.Collected(other.output)).set_display_name("join")
    outputs = NamedTuple("Outputs", kept=List[int], total=int, labels=str)
    return outputs(kept=dsl.Collected(s.output), total=t.output, labels=j.output)


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"kept": [16, 25, 36], "total": 77, "labels": "not-two:1,not-two:3,not-two:4,not-two:5,not-two:6"}
EXPECTED_TASKS = {
    "total": {"status": "Succeeded", "outputs": {"Output": 77}},
    "join": {"status": "Succeeded", "outputs": {"Output": "not-two:1,not-two:3,not-two:4,not-two:5,not-two:6"}},
}
