"""dsl.ExitHandler when a task in the group fails: the exit task still runs and sees FAILED."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def fails(x: int) -> int:
    raise RuntimeError(f"cannot handle {x}")


@dsl.component(base_image="python:3.11")
def after_fail(x: int) -> int:
    return x


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus) -> str:
    return f"{status.state}: {status.error_message}"


@dsl.pipeline(name="exit-handler-failure")
def exit_handler_failure(x: int = 1):
    exit_task = report().set_display_name("report")
    with dsl.ExitHandler(exit_task):
        f = fails(x=x).set_display_name("fails")
        after_fail(x=f.output).set_display_name("never")


ARGUMENTS = {}
EXPECTED_STATUS = "Failed"
EXPECTED_TASKS = {
    "fails": {"status": "Failed"},
    "never": {"status": "Skipped"},
    "report": {"status": "Succeeded", "outputs": {"Output": "FAILED: the main step exited with code 1"}},
}
