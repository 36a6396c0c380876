"""ParallelFor over literal dicts with item.field access."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def area(w: str, h: str) -> int:
    return int(w) * int(h)  # kfp types the fields of literal dict items as strings


@dsl.component(base_image="python:3.11")
def label(name: str, a: int) -> str:
    return f"{name}={a}"


@dsl.component(base_image="python:3.11")
def join(items: List[str]) -> str:
    return ",".join(items)


@dsl.pipeline(name="loop-dicts")
def loop_dicts() -> str:
    with dsl.ParallelFor([{"label": "a", "w": 2, "h": 3}, {"label": "b", "w": 4, "h": 5}]) as item:
        a = area(w=item.w, h=item.h)
        lab = label(name=item.label, a=a.output)  # (item.name is kfp's own attribute)
    return join(items=dsl.Collected(lab.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": "a=6,b=20"}
