"""dsl.ExitHandler with a failing task (a component that raises): the task after it is skipped,
the run fails, and the handler still runs and sees FAILED with an error message (tekflow's
message for a failed task: "the main step exited with code 1")."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def check(x: int) -> int:
    if x > 5:
        raise ValueError(f"x is too big: {x}")
    return x


@dsl.component(base_image="python:3.11")
def double(x: int) -> int:
    return 2 * x


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus) -> str:
    return f"{status.state}: {status.error_message}"


@dsl.pipeline(name="control-exit-handler-failure")
def exit_handler_failure(x: int = 7):
    handler = report().set_display_name("exit-report")
    with dsl.ExitHandler(handler):
        ok = double(x=1).set_display_name("ok")
        c = check(x=x).set_display_name("check")
        double(x=c.output).set_display_name("after-check")


ARGUMENTS = {"x": 7}
EXPECTED_STATUS = "Failed"
EXPECTED_TASKS = {
    "ok": {"status": "Succeeded", "outputs": {"Output": 2}},
    "check": {"status": "Failed"},
    "after-check": {"status": "Skipped"},
    "exit-report": {"status": "Succeeded", "outputs": {"Output": "FAILED: the main step exited with code 1"}},
}
