"""A loop body of three dependent tasks: per-iteration data flow (b uses a of the same iteration,
c uses b and the item). For x in 1, 2, 3: a = x + 10, b = a * x, c = "x:b" -> 11, 24, 39."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def add(x: int, y: int) -> int:
    return x + y


@dsl.component(base_image="python:3.11")
def mul(x: int, y: int) -> int:
    return x * y


@dsl.container_component
def fmt(x: int, y: int, out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(
        image="alpine:3.19",
        command=["sh", "-c", 'mkdir -p "$(dirname "$2")" && printf "%s:%s" "$0" "$1" > "$2"'],
        args=[x, y, out],
    )


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="control-loop-body-chain")
def loop_body_chain() -> NamedTuple("Outputs", pairs=List[str], total=int):
    with dsl.ParallelFor([1, 2, 3]) as x:
        a = add(x=x, y=10).set_display_name("a")
        b = mul(x=a.output, y=x).set_display_name("b")
        c = fmt(x=x, y=b.output).set_display_name("c")
    t = total(xs=dsl.Collected(b.output)).set_display_name("total")
    outputs = NamedTuple("Outputs", pairs=List[str], total=int)
    return outputs(pairs=dsl.Collected(c.outputs["out"]), total=t.output)


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"pairs": ["1:11", "2:24", "3:39"], "total": 74}
EXPECTED_TASKS = {"total": {"status": "Succeeded", "outputs": {"Output": 74}}}
