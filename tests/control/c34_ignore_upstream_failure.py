""".ignore_upstream_failure() on a task after a failing one (a component that raises): it runs
and, its producer having failed, uses its input's default (-1); a plain consumer is skipped."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def divide(a: int, b: int) -> int:
    return a // b


@dsl.component(base_image="python:3.11")
def describe(x: int = -1) -> str:
    return f"got {x}"


@dsl.pipeline(name="control-ignore-upstream-failure")
def ignore_upstream_failure(a: int = 10, b: int = 0):
    d = divide(a=a, b=b).set_display_name("divide")
    describe(x=d.output).set_display_name("plain-consumer")
    describe(x=d.output).set_display_name("tolerant-consumer").ignore_upstream_failure()


ARGUMENTS = {"a": 10, "b": 0}
EXPECTED_STATUS = "Failed"
EXPECTED_TASKS = {
    "divide": {"status": "Failed"},
    "plain-consumer": {"status": "Skipped"},
    "tolerant-consumer": {"status": "Succeeded", "outputs": {"Output": "got -1"}},
}
