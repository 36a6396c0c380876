"""Conditions on a float parameter (evaluated by the task's launcher: no extra pod)."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mark(label: str) -> str:
    return label


@dsl.pipeline(name="condition-float-param")
def condition_float_param(threshold: float = 0.5):
    with dsl.If(threshold == 0.5):
        mark(label="half").set_display_name("half")
    with dsl.If(threshold > 0.75):
        mark(label="high").set_display_name("high")
    with dsl.If(threshold <= 0.25):
        mark(label="low").set_display_name("low")


VARIANTS = [
    {"arguments": {"threshold": 0.5}, "tasks": {"half": "Succeeded", "high": "Skipped", "low": "Skipped"}},
    {"arguments": {"threshold": 0.9}, "tasks": {"half": "Skipped", "high": "Succeeded", "low": "Skipped"}},
    {"arguments": {"threshold": 0.25}, "tasks": {"half": "Skipped", "high": "Skipped", "low": "Succeeded"}},
]
