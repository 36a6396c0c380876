"""NamedTuple outputs: several parameters and an artifact from one task."""
from typing import NamedTuple

from tekflow import dsl
from tekflow.dsl import Dataset, Output


@dsl.component(base_image="python:3.11")
def divide(a: int, b: int, note: Output[Dataset]) -> NamedTuple("Result", [("quotient", int), ("remainder", int),
                                                                           ("exact", bool)]):
    from typing import NamedTuple
    with open(note.path, "w") as f:
        f.write(f"{a}/{b}")
    Result = NamedTuple("Result", [("quotient", int), ("remainder", int), ("exact", bool)])
    return Result(a // b, a % b, a % b == 0)


@dsl.component(base_image="python:3.11")
def show(q: int, r: int, exact: bool) -> str:
    return f"{q} r{r} exact={exact}"


@dsl.pipeline(name="named-outputs")
def named_outputs(a: int = 7, b: int = 2) -> NamedTuple("Out", [("text", str), ("quotient", int)]):
    d = divide(a=a, b=b)
    s = show(q=d.outputs["quotient"], r=d.outputs["remainder"], exact=d.outputs["exact"])
    Out = NamedTuple("Out", [("text", str), ("quotient", int)])
    return Out(text=s.output, quotient=d.outputs["quotient"])


ARGUMENTS = {"a": 17, "b": 5}
EXPECTED = {"text": "3 r2 exact=False", "quotient": 3}
