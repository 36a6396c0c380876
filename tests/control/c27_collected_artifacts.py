"""dsl.Collected of artifacts: each iteration writes an Output[Dataset] (n squared, one number);
a task consumes Input[List[Dataset]] (sum 1 + 4 + 9 + 16 = 30, count 4) and the list is also a
pipeline output (List[Dataset]; EXPECTED lists the parameter outputs only)."""
from typing import List, NamedTuple

from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def write_square(n: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write(str(n * n))
    data.metadata["n"] = n


@dsl.component(base_image="python:3.11")
def summarize(parts: Input[List[Dataset]]) -> NamedTuple("Summary", count=int, total=int, ns=str):
    from collections import namedtuple
    values = [int(open(p.path).read()) for p in parts]
    ns = ",".join(str(p.metadata["n"]) for p in parts)
    return namedtuple("Summary", ["count", "total", "ns"])(len(values), sum(values), ns)


@dsl.pipeline(name="control-collected-artifacts")
def collected_artifacts() -> NamedTuple("Outputs", count=int, total=int, datasets=List[Dataset]):
    with dsl.ParallelFor([1, 2, 3, 4]) as n:
        w = write_square(n=n).set_display_name("write-square")
    s = summarize(parts=dsl.Collected(w.outputs["data"])).set_display_name("summarize")
    outputs = NamedTuple("Outputs", count=int, total=int, datasets=List[Dataset])
    return outputs(count=s.outputs["count"], total=s.outputs["total"], datasets=dsl.Collected(w.outputs["data"]))


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"count": 4, "total": 30}
EXPECTED_TASKS = {"summarize": {"status": "Succeeded", "outputs": {"count": 4, "total": 30, "ns": "1,2,3,4"}}}
