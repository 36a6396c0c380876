"""Conditions on an int pipeline parameter with every operator (>, >=, <, <=, ==, !=).
Variants below, at and above the threshold 5."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mark(label: str, n: int) -> str:
    return f"{n} {label} 5"


@dsl.pipeline(name="control-condition-int-operators")
def condition_int_operators(n: int = 5):
    with dsl.If(n > 5):
        mark(label="gt", n=n).set_display_name("gt")
    with dsl.If(n >= 5):
        mark(label="ge", n=n).set_display_name("ge")
    with dsl.If(n < 5):
        mark(label="lt", n=n).set_display_name("lt")
    with dsl.If(n <= 5):
        mark(label="le", n=n).set_display_name("le")
    with dsl.If(n == 5):
        mark(label="eq", n=n).set_display_name("eq")
    with dsl.If(n != 5):
        mark(label="ne", n=n).set_display_name("ne")


def _tasks(n, taken):
    return {
        op: ({"status": "Succeeded", "outputs": {"Output": f"{n} {op} 5"}} if op in taken else {"status": "Skipped"})
        for op in ("gt", "ge", "lt", "le", "eq", "ne")
    }


ARGUMENTS = {"n": 5}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {}
EXPECTED_TASKS = _tasks(5, {"ge", "le", "eq"})
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"n": 7}, {}, _tasks(7, {"gt", "ge", "ne"})),
    ({"n": 3}, {}, _tasks(3, {"lt", "le", "ne"})),
]
