"""Pipelines as components, nested two deep, with optional inputs and defaults."""
from typing import Optional

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def fmt(value: int, unit: Optional[str] = None) -> str:
    return f"{value}{unit or ''}"


@dsl.component(base_image="python:3.11")
def add(a: int, b: int) -> int:
    return a + b


@dsl.pipeline(name="leaf")
def leaf(x: int, bonus: int = 5) -> int:
    return add(a=x, b=bonus).output


@dsl.pipeline(name="branch")
def branch(x: int, unit: Optional[str] = None) -> str:
    once = leaf(x=x)
    twice = leaf(x=once.output, bonus=100)
    return fmt(value=twice.output, unit=unit).output


@dsl.component(base_image="python:3.11")
def pair(a: str, b: str) -> str:
    return f"{a} & {b}"


@dsl.pipeline(name="nested-pipelines")
def nested_pipelines(x: int = 1) -> str:
    with_unit = branch(x=x, unit="kg")
    without = branch(x=x)  # the optional unit left out
    return pair(a=with_unit.output, b=without.output).output


ARGUMENTS = {"x": 2}
EXPECTED = {"Output": "107kg & 107"}
