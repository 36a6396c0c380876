"""dsl.If / Elif / Else on a string task output: each branch taken under different parameters."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def classify(n: int) -> str:
    return "small" if n < 10 else "medium" if n < 100 else "large"


@dsl.component(base_image="python:3.11")
def say(msg: str) -> str:
    return msg


@dsl.pipeline(name="if-elif-else-string")
def if_elif_else_string(n: int = 5):
    c = classify(n=n)
    with dsl.If(c.output == "small"):
        say(msg="S").set_display_name("small")
    with dsl.Elif(c.output == "medium"):
        say(msg="M").set_display_name("medium")
    with dsl.Else():
        say(msg="L").set_display_name("large")


VARIANTS = [
    {"arguments": {"n": 5}, "tasks": {"small": "Succeeded", "medium": "Skipped", "large": "Skipped"}},
    {"arguments": {"n": 50}, "tasks": {"small": "Skipped", "medium": "Succeeded", "large": "Skipped"}},
    {"arguments": {"n": 500}, "tasks": {"small": "Skipped", "medium": "Skipped", "large": "Succeeded"}},
]
