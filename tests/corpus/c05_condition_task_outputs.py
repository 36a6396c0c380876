"""Conditions on int, float and bool task outputs, ordered comparisons included."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def score(seed: int) -> float:
    return seed / 10


@dsl.component(base_image="python:3.11")
def count(seed: int) -> int:
    return seed * 2


@dsl.component(base_image="python:3.11")
def passed(seed: int) -> bool:
    return seed % 2 == 0


@dsl.component(base_image="python:3.11")
def mark(label: str) -> str:
    return label


@dsl.pipeline(name="condition-task-outputs")
def condition_task_outputs(seed: int = 4):
    s, c, p = score(seed=seed), count(seed=seed), passed(seed=seed)
    with dsl.If(s.output >= 0.5):
        mark(label="good score").set_display_name("good-score")
    with dsl.If(c.output < 10):
        mark(label="few").set_display_name("few")
    with dsl.If(p.output == True):  # noqa: E712
        mark(label="even").set_display_name("even")


VARIANTS = [
    {"arguments": {"seed": 4}, "tasks": {"good-score": "Skipped", "few": "Succeeded", "even": "Succeeded"}},
    {"arguments": {"seed": 7}, "tasks": {"good-score": "Succeeded", "few": "Skipped", "even": "Skipped"}},
]
