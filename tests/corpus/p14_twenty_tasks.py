"""A 20-task pipeline: a chain with a side artifact, as in the compile benchmark."""
from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def seed(x: int, out: Output[Dataset]) -> int:
    open(out.path, "w").write(str(x))
    return x


@dsl.component(base_image="python:3.11")
def step(x: int, inp: Input[Dataset], out: Output[Dataset]) -> int:
    value = int(open(inp.path).read()) + 1
    open(out.path, "w").write(str(value))
    return x + value


@dsl.pipeline(name="twenty-tasks")
def twenty_tasks(x: int = 0) -> int:
    t = seed(x=x)
    for _ in range(19):
        t = step(x=t.outputs["Output"], inp=t.outputs["out"])
    return t.outputs["Output"]


ARGUMENTS = {"x": 1}
EXPECTED = {"Output": 1 + sum(range(2, 21))}
