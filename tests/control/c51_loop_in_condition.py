"""A loop over a task's output inside a condition, fanned in, with an Else branch, as a
OneOf: the loop's iterations task runs only where its condition holds (an equality is a
Tekton `when`), and items from a task its launcher skipped (an ordered comparison) are no
iterations. make_range(4) = [0, 1, 2, 3], doubled and summed: 12; else -5."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def make_range(n: int) -> List[int]:
    return list(range(n))


@dsl.component(base_image="python:3.11")
def double(x: int) -> int:
    return 2 * x


@dsl.component(base_image="python:3.11")
def ident(x: int) -> int:
    return x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def add(a: int, b: int) -> int:
    return a + b


@dsl.pipeline(name="control-loop-in-condition")
def loop_in_condition(n: int = 4, m: int = 4) -> int:
    with dsl.If(n > 2):  # evaluated by the launcher
        r = make_range(n=n).set_display_name("range-ordered")
        with dsl.ParallelFor(r.output) as x:
            d = double(x=x).set_display_name("double-ordered")
        t = total(xs=dsl.Collected(d.output)).set_display_name("total-ordered")
    with dsl.Else():
        e = ident(x=-5).set_display_name("else-ordered")
    first = ident(x=dsl.OneOf(t.output, e.output)).set_display_name("first")
    with dsl.If(m == 4):  # a Tekton `when`
        r2 = make_range(n=m).set_display_name("range-equal")
        with dsl.ParallelFor(r2.output) as y:
            d2 = double(x=y).set_display_name("double-equal")
        t2 = total(xs=dsl.Collected(d2.output)).set_display_name("total-equal")
    with dsl.Else():
        e2 = ident(x=-5).set_display_name("else-equal")
    second = ident(x=dsl.OneOf(t2.output, e2.output)).set_display_name("second")
    return add(a=first.output, b=second.output).output


ARGUMENTS = {"n": 4, "m": 4}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 24}
EXPECTED_TASKS = {"else-ordered": {"status": "Skipped"}, "else-equal": {"status": "Skipped"},
                  "total-equal": {"status": "Succeeded"}}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"n": 1, "m": 1}, {"Output": -10}, {"double-ordered": {"status": "Skipped"}, "double-equal": {"status": "Skipped"},
                                          "total-ordered": {"status": "Skipped"}, "total-equal": {"status": "Skipped"},
                                          "first": {"status": "Succeeded", "outputs": {"Output": -5}}}),
    ({"n": 4, "m": 1}, {"Output": 7}, {"double-equal": {"status": "Skipped"}}),
]
