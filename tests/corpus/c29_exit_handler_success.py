"""dsl.ExitHandler: the exit task runs after the group and sees SUCCEEDED."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def work(x: int) -> int:
    return x + 1


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus) -> str:
    return f"{status.state} {status.pipeline_task_name}"


@dsl.pipeline(name="exit-handler-success")
def exit_handler_success(x: int = 1):
    exit_task = report().set_display_name("report")
    with dsl.ExitHandler(exit_task):
        w = work(x=x)
        work(x=w.output)


ARGUMENTS = {}
EXPECTED = {}
EXPECTED_TASKS = {"report": {"status": "Succeeded", "outputs": {"Output": "SUCCEEDED exit-handler-1"}}}
