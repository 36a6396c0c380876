"""dsl.ExitHandler with one handler, the group succeeding (6 * 7 = 42): the handler sees
SUCCEEDED. (kfp allows no pipeline output from inside an ExitHandler group, nor a task outside
it depending on one inside.)"""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mul(x: int, y: int) -> int:
    return x * y


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus, label: str) -> str:
    return f"{label}: {status.state}"


@dsl.pipeline(name="control-exit-handler-success")
def exit_handler_success(x: int = 6):
    handler = report(label="done").set_display_name("exit-report")
    with dsl.ExitHandler(handler):
        first = mul(x=x, y=1).set_display_name("first")
        mul(x=first.output, y=7).set_display_name("second")


ARGUMENTS = {"x": 6}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {}
EXPECTED_TASKS = {
    "first": {"status": "Succeeded", "outputs": {"Output": 6}},
    "second": {"status": "Succeeded", "outputs": {"Output": 42}},
    "exit-report": {"status": "Succeeded", "outputs": {"Output": "done: SUCCEEDED"}},
}
