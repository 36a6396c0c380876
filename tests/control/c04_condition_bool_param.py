"""Conditions on a bool pipeline parameter: If flag == True / Else, and flag != True; a
container component (sh -c) in a branch."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def state(on: bool) -> str:
    return "on" if on else "off"


@dsl.container_component
def echo(msg: str, out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(
        image="alpine:3.19",
        command=["sh", "-c", 'mkdir -p "$(dirname "$1")" && printf "%s" "$0" > "$1"'],
        args=[msg, out],
    )


@dsl.pipeline(name="control-condition-bool-param")
def condition_bool_param(flag: bool = True) -> str:
    with dsl.If(flag == True):  # noqa: E712 - kfp builds the condition from ==
        yes = state(on=flag).set_display_name("flag-true")
    with dsl.Else():
        no = echo(msg="else-branch").set_display_name("flag-false")
    with dsl.If(flag != True):  # noqa: E712
        echo(msg="negated").set_display_name("flag-not-true")
    return dsl.OneOf(yes.output, no.outputs["out"])


ARGUMENTS = {"flag": True}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": "on"}
EXPECTED_TASKS = {
    "flag-true": {"status": "Succeeded", "outputs": {"Output": "on"}},
    "flag-false": {"status": "Skipped"},
    "flag-not-true": {"status": "Skipped"},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"flag": False}, {"Output": "else-branch"}, {
        "flag-true": {"status": "Skipped"},
        "flag-false": {"status": "Succeeded", "outputs": {"out": "else-branch"}},
        "flag-not-true": {"status": "Succeeded", "outputs": {"out": "negated"}},
    }),
]
