"""ParallelFor over literal strings; Collected keeps the iteration order."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def shout(word: str) -> str:
    return word.upper()


@dsl.component(base_image="python:3.11")
def join(words: List[str]) -> str:
    return "-".join(words)


@dsl.pipeline(name="loop-strings")
def loop_strings() -> str:
    with dsl.ParallelFor(["alpha", "beta", "gamma"]) as w:
        s = shout(word=w)
    return join(words=dsl.Collected(s.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": "ALPHA-BETA-GAMMA"}
