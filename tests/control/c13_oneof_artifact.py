"""dsl.OneOf over If/Else branches producing an Output[Dataset] (one branch a container
component): consumed by a task and returned as a pipeline output artifact. EXPECTED lists the
parameter outputs only (artifact outputs are URIs of the run)."""
from typing import NamedTuple

from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def write_csv(n: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write(",".join(str(i) for i in range(1, n + 1)))


@dsl.container_component
def write_fixed(data: Output[Dataset]):
    return dsl.ContainerSpec(
        image="alpine:3.19",
        command=["sh", "-c", 'mkdir -p "$(dirname "$0")" && printf "100,200" > "$0"'],
        args=[data.path],
    )


@dsl.component(base_image="python:3.11")
def total(data: Input[Dataset]) -> int:
    with open(data.path) as f:
        return sum(int(v) for v in f.read().split(","))


@dsl.pipeline(name="control-oneof-artifact")
def oneof_artifact(n: int = 4) -> NamedTuple("Outputs", total=int, data=Dataset):
    with dsl.If(n > 0):
        counted = write_csv(n=n).set_display_name("write-csv")
    with dsl.Else():
        fixed = write_fixed().set_display_name("write-fixed")
    data = dsl.OneOf(counted.outputs["data"], fixed.outputs["data"])
    t = total(data=data).set_display_name("total")
    outputs = NamedTuple("Outputs", total=int, data=Dataset)
    return outputs(total=t.output, data=data)


ARGUMENTS = {"n": 4}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"total": 10}
EXPECTED_TASKS = {
    "write-csv": {"status": "Succeeded"},
    "write-fixed": {"status": "Skipped"},
    "total": {"status": "Succeeded", "outputs": {"Output": 10}},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"n": 0}, {"total": 300}, {
        "write-csv": {"status": "Skipped"},
        "write-fixed": {"status": "Succeeded"},
        "total": {"status": "Succeeded", "outputs": {"Output": 300}},
    }),
]
