"""Nested conditions: If/Else on an int parameter with an If/Else on a str parameter inside the
If branch and an If (a == 0) inside the Else branch."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def tag(a: int, b: str, label: str) -> str:
    return f"{label}({a},{b})"


@dsl.pipeline(name="control-nested-conditions")
def nested_conditions(a: int = 1, b: str = "x"):
    with dsl.If(a > 0):
        tag(a=a, b=b, label="positive").set_display_name("positive")
        with dsl.If(b == "x"):
            tag(a=a, b=b, label="positive-x").set_display_name("positive-x")
        with dsl.Else():
            tag(a=a, b=b, label="positive-other").set_display_name("positive-other")
    with dsl.Else():
        tag(a=a, b=b, label="non-positive").set_display_name("non-positive")
        with dsl.If(a == 0):
            tag(a=a, b=b, label="zero").set_display_name("zero")


def _tasks(a, b, taken):
    return {label: ({"status": "Succeeded", "outputs": {"Output": f"{label}({a},{b})"}} if label in taken
                    else {"status": "Skipped"})
            for label in ("positive", "positive-x", "positive-other", "non-positive", "zero")}


ARGUMENTS = {"a": 1, "b": "x"}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {}
EXPECTED_TASKS = _tasks(1, "x", {"positive", "positive-x"})
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"a": 2, "b": "y"}, {}, _tasks(2, "y", {"positive", "positive-other"})),
    ({"a": 0, "b": "x"}, {}, _tasks(0, "x", {"non-positive", "zero"})),
    ({"a": -1, "b": "x"}, {}, _tasks(-1, "x", {"non-positive"})),
]
