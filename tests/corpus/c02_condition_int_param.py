"""Conditions on an int pipeline parameter with every comparison operator."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mark(label: str) -> str:
    return label


@dsl.pipeline(name="condition-int-param")
def condition_int_param(n: int = 3):
    with dsl.If(n == 3):
        mark(label="eq").set_display_name("eq")
    with dsl.If(n != 3):
        mark(label="ne").set_display_name("ne")
    with dsl.If(n < 3):
        mark(label="lt").set_display_name("lt")
    with dsl.If(n <= 3):
        mark(label="le").set_display_name("le")
    with dsl.If(n > 3):
        mark(label="gt").set_display_name("gt")
    with dsl.If(n >= 3):
        mark(label="ge").set_display_name("ge")


def _tasks(n):
    truth = {"eq": n == 3, "ne": n != 3, "lt": n < 3, "le": n <= 3, "gt": n > 3, "ge": n >= 3}
    return {k: "Succeeded" if v else "Skipped" for k, v in truth.items()}


VARIANTS = [{"arguments": {"n": n}, "tasks": _tasks(n)} for n in (2, 3, 4)]
