"""dsl.Collected of artifacts: Input[List[Dataset]] from a loop."""
from typing import List

from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def write(x: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write(str(x * 11))
    data.metadata["x"] = x


@dsl.component(base_image="python:3.11")
def concat(parts: Input[List[Dataset]]) -> str:
    return "+".join(f"{open(p.path).read()}@{p.metadata['x']}" for p in parts)


@dsl.pipeline(name="collected-artifacts")
def collected_artifacts() -> str:
    with dsl.ParallelFor([1, 2, 3]) as x:
        w = write(x=x)
    return concat(parts=dsl.Collected(w.outputs["data"])).output


ARGUMENTS = {}
EXPECTED = {"Output": "11@1+22@2+33@3"}
