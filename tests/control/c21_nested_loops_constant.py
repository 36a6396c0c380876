"""Nested dsl.ParallelFor over constant lists; dsl.Collected from the inner body gives a nested
list (one list per outer item), returned as a pipeline output and flattened by a task."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def pair(letter: str, n: int) -> str:
    return f"{letter}{n}"


@dsl.component(base_image="python:3.11")
def flatten(grid: List[List[str]]) -> str:
    return " ".join(cell for row in grid for cell in row)


@dsl.pipeline(name="control-nested-loops-constant")
def nested_loops_constant() -> NamedTuple("Outputs", grid=List[List[str]], cells=str):
    with dsl.ParallelFor(["a", "b"]) as letter:
        with dsl.ParallelFor([1, 2, 3]) as n:
            p = pair(letter=letter, n=n).set_display_name("pair")
    f = flatten(grid=dsl.Collected(p.output)).set_display_name("flatten")
    outputs = NamedTuple("Outputs", grid=List[List[str]], cells=str)
    return outputs(grid=dsl.Collected(p.output), cells=f.output)


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"grid": [["a1", "a2", "a3"], ["b1", "b2", "b3"]], "cells": "a1 a2 a3 b1 b2 b3"}
EXPECTED_TASKS = {"flatten": {"status": "Succeeded", "outputs": {"Output": "a1 a2 a3 b1 b2 b3"}}}
