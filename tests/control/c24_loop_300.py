"""A loop of 300 iterations, more than Tekton's matrix cap of 256, with a trivial container
body (x + 1) and a fan-in sum: 1 + 2 + ... + 300 = 45150."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.container_component
def inc(x: int, out: dsl.OutputPath(int)):
    return dsl.ContainerSpec(
        image="alpine:3.19",
        command=["sh", "-c", 'mkdir -p "$(dirname "$1")" && printf "%s" $(($0 + 1)) > "$1"'],
        args=[x, out],
    )


@dsl.component(base_image="python:3.11")
def summary(xs: List[int]) -> NamedTuple("Summary", count=int, total=int):
    from collections import namedtuple
    return namedtuple("Summary", ["count", "total"])(len(xs), sum(xs))


@dsl.pipeline(name="control-loop-300")
def loop_300() -> NamedTuple("Outputs", count=int, total=int):
    with dsl.ParallelFor(list(range(300))) as x:
        i = inc(x=x).set_display_name("inc")
    s = summary(xs=dsl.Collected(i.outputs["out"])).set_display_name("summary")
    outputs = NamedTuple("Outputs", count=int, total=int)
    return outputs(count=s.outputs["count"], total=s.outputs["total"])


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"count": 300, "total": 45150}
EXPECTED_TASKS = {"summary": {"status": "Succeeded", "outputs": {"count": 300, "total": 45150}}}
