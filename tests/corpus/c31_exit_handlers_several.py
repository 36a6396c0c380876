"""Two exit handlers, each seeing the state of its own group."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def ok() -> int:
    return 1


@dsl.component(base_image="python:3.11")
def fails() -> int:
    raise SystemExit(3)


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus) -> str:
    return status.state


@dsl.pipeline(name="exit-handlers-several")
def exit_handlers_several():
    first = report().set_display_name("first-exit")
    with dsl.ExitHandler(first):
        ok().set_display_name("fine")
    second = report().set_display_name("second-exit")
    with dsl.ExitHandler(second):
        fails().set_display_name("broken")


ARGUMENTS = {}
EXPECTED_STATUS = "Failed"
EXPECTED_TASKS = {
    "fine": {"status": "Succeeded"},
    "broken": {"status": "Failed"},
    "first-exit": {"status": "Succeeded", "outputs": {"Output": "SUCCEEDED"}},
    "second-exit": {"status": "Succeeded", "outputs": {"Output": "FAILED"}},
}
