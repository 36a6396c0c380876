"""dsl.ParallelFor over a literal list of dicts with `item.field` access (str, int and float values);
per-iteration cost = qty * price, fan-in total 3.0 + 6.0 + 4.25 = 13.25.
kfp types the fields of a literal list's items as strings, so the components take str and
convert (KFP may pass the JSON number itself; int()/float() accept both).
(No field is called "name": `item.name` is the loop argument's own attribute in kfp.)"""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def cost(qty: str, price: str) -> float:
    return int(qty) * float(price)


@dsl.component(base_image="python:3.11")
def total(xs: List[float]) -> float:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def label(name: str, qty: str) -> str:
    return f"{qty}x{name}"


@dsl.pipeline(name="control-loop-dicts")
def loop_dicts() -> NamedTuple("Outputs", total=float, labels=List[str]):
    items = [
        {"product": "apple", "qty": 2, "price": 1.5},
        {"product": "bread", "qty": 3, "price": 2.0},
        {"product": "cheese", "qty": 1, "price": 4.25},
    ]
    with dsl.ParallelFor(items) as item:
        c = cost(qty=item.qty, price=item.price).set_display_name("cost")
        lab = label(name=item.product, qty=item.qty).set_display_name("label")
    t = total(xs=dsl.Collected(c.output)).set_display_name("total")
    outputs = NamedTuple("Outputs", total=float, labels=List[str])
    return outputs(total=t.output, labels=dsl.Collected(lab.output))


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"total": 13.25, "labels": ["2xapple", "3xbread", "1xcheese"]}
EXPECTED_TASKS = {"total": {"status": "Succeeded", "outputs": {"Output": 13.25}}}
