"""A failing task: the run fails, the other branch's outputs are kept."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def ok(x: int) -> int:
    return x + 1


@dsl.component(base_image="python:3.11")
def fails(x: int) -> int:
    raise ValueError(f"bad input {x}")


@dsl.pipeline(name="failure")
def failure(x: int = 1):
    ok(x=x)
    fails(x=x)


ARGUMENTS = {}
EXPECTED_STATUS = "Failed"
EXPECTED = {}
EXPECTED_TASKS = {"ok": {"status": "Succeeded", "outputs": {"Output": 2}}, "fails": {"status": "Failed"}}
