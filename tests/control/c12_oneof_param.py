"""dsl.OneOf over If/Elif/Else branches producing int parameters: consumed by a task and also
returned as a pipeline output."""
from typing import NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def times(n: int, k: int) -> int:
    return n * k


@dsl.component(base_image="python:3.11")
def plus_one(x: int) -> int:
    return x + 1


@dsl.pipeline(name="control-oneof-param")
def oneof_param(n: int = 4) -> NamedTuple("Outputs", chosen=int, next=int):
    with dsl.If(n < 3):
        small = times(n=n, k=100).set_display_name("small")
    with dsl.Elif(n < 10):
        medium = times(n=n, k=10).set_display_name("medium")
    with dsl.Else():
        large = times(n=n, k=1).set_display_name("large")
    chosen = dsl.OneOf(small.output, medium.output, large.output)
    nxt = plus_one(x=chosen).set_display_name("plus-one")
    outputs = NamedTuple("Outputs", chosen=int, next=int)
    return outputs(chosen=chosen, next=nxt.output)


ARGUMENTS = {"n": 4}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"chosen": 40, "next": 41}
EXPECTED_TASKS = {
    "small": {"status": "Skipped"},
    "medium": {"status": "Succeeded", "outputs": {"Output": 40}},
    "large": {"status": "Skipped"},
    "plus-one": {"status": "Succeeded", "outputs": {"Output": 41}},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"n": 2}, {"chosen": 200, "next": 201}, {
        "small": {"status": "Succeeded", "outputs": {"Output": 200}},
        "medium": {"status": "Skipped"},
        "large": {"status": "Skipped"},
        "plus-one": {"status": "Succeeded", "outputs": {"Output": 201}},
    }),
    ({"n": 12}, {"chosen": 12, "next": 13}, {
        "small": {"status": "Skipped"},
        "medium": {"status": "Skipped"},
        "large": {"status": "Succeeded", "outputs": {"Output": 12}},
        "plus-one": {"status": "Succeeded", "outputs": {"Output": 13}},
    }),
]
