"""Ordering with .after() and artifact-only dependencies (no parameter passes)."""
from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def write(path_dir: str, text: str, out: Output[Dataset]):
    with open(out.path, "w") as f:
        f.write(text)


@dsl.component(base_image="python:3.11")
def read(data: Input[Dataset]) -> str:
    return open(data.path).read()


@dsl.component(base_image="python:3.11")
def stamp(text: str) -> str:
    return f"[{text}]"


@dsl.pipeline(name="after")
def after(text: str = "x") -> str:
    first = stamp(text=text)
    w = write(path_dir="unused", text=text).after(first)
    r = read(data=w.outputs["out"])
    return stamp(text=r.output).after(first).output


ARGUMENTS = {"text": "hello"}
EXPECTED = {"Output": "[hello]"}
