"""Independent branches fanning out from one task and back into one (a diamond)."""
from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def source(n: int, data: Output[Dataset]):
    open(data.path, "w").write(" ".join(str(i) for i in range(n)))


@dsl.component(base_image="python:3.11")
def stat(data: Input[Dataset], kind: str) -> float:
    xs = [int(x) for x in open(data.path).read().split()]
    return float({"sum": sum(xs), "max": max(xs), "min": min(xs)}[kind])


@dsl.component(base_image="python:3.11")
def combine(a: float, b: float, c: float) -> str:
    return f"{a:g}/{b:g}/{c:g}"


@dsl.pipeline(name="fan-out-in")
def fan_out_in(n: int = 5) -> str:
    s = source(n=n)
    a, b, c = (stat(data=s.outputs["data"], kind=k) for k in ("sum", "max", "min"))
    return combine(a=a.output, b=b.output, c=c.output).output


ARGUMENTS = {"n": 6}
EXPECTED = {"Output": "15/5/0"}
