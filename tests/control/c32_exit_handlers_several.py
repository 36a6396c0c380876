"""Several dsl.ExitHandlers: the first group succeeds, the second fails (a component raises);
each handler sees the status of its own group only, SUCCEEDED and FAILED."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def work(x: int) -> int:
    return x + 100


@dsl.component(base_image="python:3.11")
def explode(x: int) -> int:
    raise RuntimeError(f"explode {x}")


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus, group: str) -> str:
    return f"{group}={status.state}"


@dsl.pipeline(name="control-exit-handlers-several")
def exit_handlers_several(x: int = 1):
    first_handler = report(group="first").set_display_name("first-exit")
    with dsl.ExitHandler(first_handler):
        work(x=x).set_display_name("first-work")
    second_handler = report(group="second").set_display_name("second-exit")
    with dsl.ExitHandler(second_handler):
        explode(x=x).set_display_name("second-explode")


ARGUMENTS = {"x": 1}
EXPECTED_STATUS = "Failed"
EXPECTED_TASKS = {
    "first-work": {"status": "Succeeded", "outputs": {"Output": 101}},
    "second-explode": {"status": "Failed"},
    "first-exit": {"status": "Succeeded", "outputs": {"Output": "first=SUCCEEDED"}},
    "second-exit": {"status": "Succeeded", "outputs": {"Output": "second=FAILED"}},
}
