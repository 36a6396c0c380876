"""dsl.OneOf over If/Else branches for a parameter, consumed by a task and returned."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def flip(seed: int) -> str:
    return "heads" if seed % 2 else "tails"


@dsl.component(base_image="python:3.11")
def prize(kind: str) -> str:
    return f"{kind} prize"


@dsl.component(base_image="python:3.11")
def announce(what: str) -> str:
    return f"you won a {what}"


@dsl.pipeline(name="oneof-param")
def oneof_param(seed: int = 1) -> str:
    f = flip(seed=seed)
    with dsl.If(f.output == "heads"):
        a = prize(kind="gold").set_display_name("gold")
    with dsl.Else():
        b = prize(kind="silver").set_display_name("silver")
    winner = dsl.OneOf(a.output, b.output)
    return announce(what=winner).output


VARIANTS = [
    {"arguments": {"seed": 1}, "expected": {"Output": "you won a gold prize"},
     "tasks": {"gold": "Succeeded", "silver": "Skipped"}},
    {"arguments": {"seed": 2}, "expected": {"Output": "you won a silver prize"},
     "tasks": {"gold": "Skipped", "silver": "Succeeded"}},
]
