"""Nested conditions: the inner task runs only when both hold."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mark(label: str) -> str:
    return label


@dsl.pipeline(name="nested-conditions")
def nested_conditions(a: int = 1, b: str = "x"):
    with dsl.If(a > 0):
        mark(label="outer").set_display_name("outer")
        with dsl.If(b == "x"):
            mark(label="inner").set_display_name("inner")
            with dsl.If(a == 2):
                mark(label="innermost").set_display_name("innermost")


VARIANTS = [
    {"arguments": {"a": 1, "b": "x"}, "tasks": {"outer": "Succeeded", "inner": "Succeeded", "innermost": "Skipped"}},
    {"arguments": {"a": 2, "b": "x"}, "tasks": {"outer": "Succeeded", "inner": "Succeeded", "innermost": "Succeeded"}},
    {"arguments": {"a": 2, "b": "y"}, "tasks": {"outer": "Succeeded", "inner": "Skipped", "innermost": "Skipped"}},
    {"arguments": {"a": 0, "b": "x"}, "tasks": {"outer": "Skipped", "inner": "Skipped", "innermost": "Skipped"}},
]
