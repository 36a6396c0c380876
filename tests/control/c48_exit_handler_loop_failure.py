"""dsl.ExitHandler around a loop and a condition where one iteration fails (a component that
raises for x == 2): the loop task fails, the condition's task after it does not run, and the
handler sees FAILED."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def check(x: int) -> int:
    if x == 2:
        raise ValueError("two is not allowed")
    return x


@dsl.component(base_image="python:3.11")
def note(msg: str) -> str:
    return msg


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus) -> str:
    return status.state


@dsl.pipeline(name="control-exit-handler-loop-failure")
def exit_handler_loop_failure(go: bool = True):
    handler = report().set_display_name("exit-report")
    with dsl.ExitHandler(handler):
        with dsl.ParallelFor([1, 2, 3]) as x:
            c = check(x=x).set_display_name("check")
        with dsl.If(go == True):  # noqa: E712
            note(msg="after the loop").after(c).set_display_name("after-loop")


ARGUMENTS = {"go": True}
EXPECTED_STATUS = "Failed"
EXPECTED_TASKS = {
    "check": {"status": "Failed"},
    "after-loop": {"status": "Skipped"},
    "exit-report": {"status": "Succeeded", "outputs": {"Output": "FAILED"}},
}
