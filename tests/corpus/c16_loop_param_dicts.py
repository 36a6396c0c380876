"""ParallelFor over a List[dict] pipeline parameter with field access."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def price(qty: int, unit: float) -> float:
    return qty * unit


@dsl.component(base_image="python:3.11")
def total(xs: List[float]) -> float:
    return round(sum(xs), 2)


@dsl.pipeline(name="loop-param-dicts")
def loop_param_dicts(order: List[dict] = [{"qty": 2, "unit": 1.5}, {"qty": 1, "unit": 4.25}]) -> float:
    with dsl.ParallelFor(order) as line:
        p = price(qty=line.qty, unit=line.unit)
    return total(xs=dsl.Collected(p.output)).output


ARGUMENTS = {}
EXPECTED = {"Output": 7.25}
