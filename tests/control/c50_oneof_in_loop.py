"""dsl.OneOf inside a loop body: per iteration, If x is even halve it, Else triple it plus one
(one Collatz step), and a task of the same iteration consumes the chosen value; fan-in of the
consumer: [1, 2, 3, 4] -> steps [4, 1, 10, 2] -> "x->step" labels."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def parity(x: int) -> str:
    return "even" if x % 2 == 0 else "odd"


@dsl.component(base_image="python:3.11")
def halve(x: int) -> int:
    return x // 2


@dsl.component(base_image="python:3.11")
def triple_plus_one(x: int) -> int:
    return 3 * x + 1


@dsl.component(base_image="python:3.11")
def arrow(x: int, y: int) -> str:
    return f"{x}->{y}"


@dsl.pipeline(name="control-oneof-in-loop")
def oneof_in_loop() -> List[str]:
    with dsl.ParallelFor([1, 2, 3, 4]) as x:
        p = parity(x=x).set_display_name("parity")
        with dsl.If(p.output == "even"):
            h = halve(x=x).set_display_name("halve")
        with dsl.Else():
            t = triple_plus_one(x=x).set_display_name("triple-plus-one")
        a = arrow(x=x, y=dsl.OneOf(h.output, t.output)).set_display_name("arrow")
    return dsl.Collected(a.output)


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": ["1->4", "2->1", "3->10", "4->2"]}
EXPECTED_TASKS = {"arrow": {"status": "Succeeded"}}
