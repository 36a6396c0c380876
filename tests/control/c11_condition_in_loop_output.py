"""Conditions inside a loop on a body task's output: words of 5 or more letters are upper-cased
(If length >= 5), the others reversed (If length < 5); each branch fanned in with dsl.Collected.
(Separate Ifs, not If/Else: kfp 2.17 cannot compile dsl.Collected of a task in an If/Else
branch inside a loop.)"""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def length(word: str) -> int:
    return len(word)


@dsl.component(base_image="python:3.11")
def upper(word: str) -> str:
    return word.upper()


@dsl.component(base_image="python:3.11")
def reverse(word: str) -> str:
    return word[::-1]


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return ",".join(xs)


@dsl.pipeline(name="control-condition-in-loop-output")
def condition_in_loop_output() -> NamedTuple("Outputs", long=str, short=str):
    with dsl.ParallelFor(["apple", "kiwi", "banana", "fig"]) as w:
        n = length(word=w).set_display_name("length")
        with dsl.If(n.output >= 5):
            u = upper(word=w).set_display_name("upper")
        with dsl.If(n.output < 5):
            r = reverse(word=w).set_display_name("reverse")
    long = join(xs=dsl.Collected(u.output)).set_display_name("join-long")
    short = join(xs=dsl.Collected(r.output)).set_display_name("join-short")
    outputs = NamedTuple("Outputs", long=str, short=str)
    return outputs(long=long.output, short=short.output)


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"long": "APPLE,BANANA", "short": "iwik,gif"}
EXPECTED_TASKS = {
    "join-long": {"status": "Succeeded", "outputs": {"Output": "APPLE,BANANA"}},
    "join-short": {"status": "Succeeded", "outputs": {"Output": "iwik,gif"}},
}
