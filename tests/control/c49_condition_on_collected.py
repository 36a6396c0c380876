"""A condition on a fan-in result: the sum of a loop's outputs (2 + 4 + 6 = 12 for [1, 2, 3])
decides If sum > 10 / Else; the branch's output is the pipeline output."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def double(x: int) -> int:
    return 2 * x


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def verdict(total: int, word: str) -> str:
    return f"{word} {total}"


@dsl.pipeline(name="control-condition-on-collected")
def condition_on_collected(xs: List[int] = [1, 2, 3]) -> str:
    with dsl.ParallelFor(xs) as x:
        d = double(x=x).set_display_name("double")
    t = total(xs=dsl.Collected(d.output)).set_display_name("total")
    with dsl.If(t.output > 10):
        big = verdict(total=t.output, word="big").set_display_name("big")
    with dsl.Else():
        small = verdict(total=t.output, word="small").set_display_name("small")
    return dsl.OneOf(big.output, small.output)


ARGUMENTS = {"xs": [1, 2, 3]}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": "big 12"}
EXPECTED_TASKS = {
    "total": {"status": "Succeeded", "outputs": {"Output": 12}},
    "big": {"status": "Succeeded", "outputs": {"Output": "big 12"}},
    "small": {"status": "Skipped"},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"xs": [1, 4]}, {"Output": "small 10"}, {
        "total": {"status": "Succeeded", "outputs": {"Output": 10}},
        "big": {"status": "Skipped"},
        "small": {"status": "Succeeded", "outputs": {"Output": "small 10"}},
    }),
]
