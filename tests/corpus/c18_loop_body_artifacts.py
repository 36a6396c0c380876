"""A loop body passing an artifact between two tasks of the same iteration."""
from typing import List

from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def write(word: str, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write(word * 2)


@dsl.component(base_image="python:3.11")
def measure(data: Input[Dataset]) -> int:
    return len(open(data.path).read())


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="loop-body-artifacts")
def loop_body_artifacts() -> int:
    with dsl.ParallelFor(["a", "bb", "ccc"]) as w:
        d = write(word=w)
        m = measure(data=d.outputs["data"])
    return total(xs=dsl.Collected(m.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": 12}
