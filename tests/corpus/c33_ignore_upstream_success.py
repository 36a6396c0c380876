""".ignore_upstream_failure() after a task that succeeds: it gets the real value."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def produce() -> str:
    return "all good"


@dsl.component(base_image="python:3.11")
def cleanup(message: str = "upstream failed") -> str:
    return f"cleanup: {message}"


@dsl.pipeline(name="ignore-upstream-success")
def ignore_upstream_success():
    p = produce()
    cleanup(message=p.output).set_display_name("cleanup").ignore_upstream_failure()


ARGUMENTS = {}
EXPECTED = {}
EXPECTED_TASKS = {"cleanup": {"status": "Succeeded", "outputs": {"Output": "cleanup: all good"}}}
