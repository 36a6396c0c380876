"""Collected artifacts from nested loops arrive as one flat list, in iteration order."""
from typing import List

from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def write(a: str, b: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write(f"{a}{b}")


@dsl.component(base_image="python:3.11")
def concat(parts: Input[List[Dataset]]) -> str:
    return ",".join(open(p.path).read() for p in parts)


@dsl.pipeline(name="collected-nested-artifacts")
def collected_nested_artifacts() -> str:
    with dsl.ParallelFor(["x", "y"]) as a:
        with dsl.ParallelFor([1, 2]) as b:
            w = write(a=a, b=b)
    return concat(parts=dsl.Collected(w.outputs["data"])).output


ARGUMENTS = {}
EXPECTED = {"Output": "x1,x2,y1,y2"}
