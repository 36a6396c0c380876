""".ignore_upstream_failure() when the producer succeeds: the tolerant task (a finally task in
Tekton) gets the real value (10 // 3 = 3), not its default."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def divide(a: int, b: int) -> int:
    return a // b


@dsl.component(base_image="python:3.11")
def describe(x: int = -1) -> str:
    return f"got {x}"


@dsl.pipeline(name="control-ignore-upstream-success")
def ignore_upstream_success(a: int = 10, b: int = 3):
    d = divide(a=a, b=b).set_display_name("divide")
    describe(x=d.output).set_display_name("tolerant-consumer").ignore_upstream_failure()


ARGUMENTS = {"a": 10, "b": 3}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {}
EXPECTED_TASKS = {
    "divide": {"status": "Succeeded", "outputs": {"Output": 3}},
    "tolerant-consumer": {"status": "Succeeded", "outputs": {"Output": "got 3"}},
}
