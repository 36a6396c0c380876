""".ignore_upstream_failure(): a task after a failing one runs, using its input's default."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def fails() -> str:
    raise SystemExit(2)


@dsl.component(base_image="python:3.11")
def cleanup(message: str = "upstream failed") -> str:
    return f"cleanup: {message}"


@dsl.pipeline(name="ignore-upstream-failure")
def ignore_upstream_failure():
    f = fails().set_display_name("fails")
    cleanup(message=f.output).set_display_name("cleanup").ignore_upstream_failure()


ARGUMENTS = {}
EXPECTED_STATUS = "Failed"
EXPECTED_TASKS = {"fails": {"status": "Failed"},
                  "cleanup": {"status": "Succeeded", "outputs": {"Output": "cleanup: upstream failed"}}}
