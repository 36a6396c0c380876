"""Dependencies inside a condition (.after() and data), and a task after the condition's input
that runs whether or not the branch did (kfp forbids depending on a task inside an If from
outside it; dsl.OneOf is the way, see c09)."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mark(label: str) -> str:
    return label


@dsl.component(base_image="python:3.11")
def decide(go: bool) -> bool:
    return go


@dsl.pipeline(name="after-condition")
def after_condition(go: bool = False) -> str:
    d = decide(go=go)
    with dsl.If(d.output == True):  # noqa: E712
        first = mark(label="first").set_display_name("first")
        mark(label=first.output).set_display_name("second").after(first)
    return mark(label="after").set_display_name("after").after(d).output


VARIANTS = [
    {"arguments": {"go": False}, "expected": {"Output": "after"},
     "tasks": {"first": "Skipped", "second": "Skipped", "after": "Succeeded"}},
    {"arguments": {"go": True}, "expected": {"Output": "after"},
     "tasks": {"first": "Succeeded", "second": {"status": "Succeeded", "outputs": {"Output": "first"}},
               "after": "Succeeded"}},
]
