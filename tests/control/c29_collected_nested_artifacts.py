"""dsl.Collected of artifacts from nested loops (the outer over a List[str] parameter): the
consumer gets one flat Input[List[Dataset]] of all 2 x 2 cells."""
from typing import List, NamedTuple

from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def write_cell(row: str, col: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write(f"{row}{col}")


@dsl.component(base_image="python:3.11")
def read_all(cells: Input[List[Dataset]]) -> NamedTuple("Cells", count=int, text=str):
    from collections import namedtuple
    texts = sorted(open(c.path).read() for c in cells)
    return namedtuple("Cells", ["count", "text"])(len(texts), ",".join(texts))


@dsl.pipeline(name="control-collected-nested-artifacts")
def collected_nested_artifacts(rows: List[str] = ["p", "q"]) -> NamedTuple("Outputs", count=int, text=str):
    with dsl.ParallelFor(rows) as row:
        with dsl.ParallelFor([1, 2]) as col:
            w = write_cell(row=row, col=col).set_display_name("write-cell")
    r = read_all(cells=dsl.Collected(w.outputs["data"])).set_display_name("read-all")
    outputs = NamedTuple("Outputs", count=int, text=str)
    return outputs(count=r.outputs["count"], text=r.outputs["text"])


ARGUMENTS = {"rows": ["p", "q"]}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"count": 4, "text": "p1,p2,q1,q2"}
EXPECTED_TASKS = {"read-all": {"status": "Succeeded", "outputs": {"count": 4, "text": "p1,p2,q1,q2"}}}
