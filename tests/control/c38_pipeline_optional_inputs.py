"""A pipeline component with optional inputs (defaults, and an Optional[str] without one), called
with all, some and none of them."""
from typing import List, Optional

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def greet(greeting: str, name: str, times: int, suffix: Optional[str] = None) -> str:
    return " ".join([f"{greeting} {name}"] * times) + (suffix or "")


@dsl.component(base_image="python:3.11")
def join(a: str, b: str, c: str) -> str:
    return f"{a} | {b} | {c}"


@dsl.pipeline(name="control-greeter")
def greeter(name: str, greeting: str = "hello", times: int = 1, suffix: Optional[str] = None) -> str:
    return greet(greeting=greeting, name=name, times=times, suffix=suffix).output


@dsl.pipeline(name="control-pipeline-optional-inputs")
def pipeline_optional_inputs(who: str = "ann") -> str:
    everything = greeter(name=who, greeting="hi", times=2, suffix="!").set_display_name("all-inputs")
    some = greeter(name=who, times=3).set_display_name("some-inputs")
    defaults = greeter(name=who).set_display_name("defaults")
    return join(a=everything.output, b=some.output, c=defaults.output).set_display_name("join").output


ARGUMENTS = {"who": "ann"}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": "hi ann hi ann! | hello ann hello ann hello ann | hello ann"}
EXPECTED_TASKS = {"join": {"status": "Succeeded",
                           "outputs": {"Output": "hi ann hi ann! | hello ann hello ann hello ann | hello ann"}}}
