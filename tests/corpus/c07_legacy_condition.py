"""The older dsl.Condition still works."""
import warnings

from tekflow import dsl

warnings.filterwarnings("ignore", category=DeprecationWarning)


@dsl.component(base_image="python:3.11")
def flip(seed: int) -> str:
    return "heads" if seed % 2 else "tails"


@dsl.component(base_image="python:3.11")
def mark(label: str) -> str:
    return label


@dsl.pipeline(name="legacy-condition")
def legacy_condition(seed: int = 1):
    f = flip(seed=seed)
    with dsl.Condition(f.output == "heads"):
        mark(label="heads").set_display_name("heads")
    with dsl.Condition(f.output == "tails"):
        mark(label="tails").set_display_name("tails")


VARIANTS = [
    {"arguments": {"seed": 1}, "tasks": {"heads": "Succeeded", "tails": "Skipped"}},
    {"arguments": {"seed": 2}, "tasks": {"heads": "Skipped", "tails": "Succeeded"}},
]
