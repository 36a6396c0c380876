"""Conditions on a str task output (== and !=), the producer a container component (sh -c):
one Collatz step (If != / Else), the branch's result returned through dsl.OneOf."""
from tekflow import dsl


@dsl.container_component
def parity(n: int, out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(
        image="alpine:3.19",
        command=["sh", "-c",
                 'mkdir -p "$(dirname "$1")" && if [ $(($0 % 2)) -eq 0 ]; then printf even > "$1"; '
                 'else printf odd > "$1"; fi'],
        args=[n, out],
    )


@dsl.component(base_image="python:3.11")
def halve(n: int) -> int:
    return n // 2


@dsl.component(base_image="python:3.11")
def triple_plus_one(n: int) -> int:
    return 3 * n + 1


@dsl.pipeline(name="control-condition-task-output-str")
def condition_task_output_str(n: int = 6) -> int:
    p = parity(n=n).set_display_name("parity")
    with dsl.If(p.outputs["out"] != "odd"):
        h = halve(n=n).set_display_name("halve")
    with dsl.Else():
        t = triple_plus_one(n=n).set_display_name("triple-plus-one")
    with dsl.If(p.outputs["out"] == "odd"):
        halve(n=n).set_display_name("odd-marker")
    return dsl.OneOf(h.output, t.output)


ARGUMENTS = {"n": 6}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 3}
EXPECTED_TASKS = {
    "parity": {"status": "Succeeded", "outputs": {"out": "even"}},
    "halve": {"status": "Succeeded", "outputs": {"Output": 3}},
    "triple-plus-one": {"status": "Skipped"},
    "odd-marker": {"status": "Skipped"},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"n": 7}, {"Output": 22}, {
        "parity": {"status": "Succeeded", "outputs": {"out": "odd"}},
        "halve": {"status": "Skipped"},
        "triple-plus-one": {"status": "Succeeded", "outputs": {"Output": 22}},
        "odd-marker": {"status": "Succeeded", "outputs": {"Output": 3}},
    }),
]
