"""dsl.If / Elif / Else on a str pipeline parameter (==); the taken branch's output is the
pipeline output through dsl.OneOf. One variant per branch."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def paint(color: str, tag: str) -> str:
    return f"{tag}:{color}"


@dsl.pipeline(name="control-if-elif-else-str")
def if_elif_else_str(color: str = "red") -> str:
    with dsl.If(color == "red"):
        warm = paint(color=color, tag="warm").set_display_name("red-branch")
    with dsl.Elif(color == "green"):
        natural = paint(color=color, tag="natural").set_display_name("green-branch")
    with dsl.Else():
        other = paint(color=color, tag="other").set_display_name("other-branch")
    return dsl.OneOf(warm.output, natural.output, other.output)


ARGUMENTS = {"color": "red"}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": "warm:red"}
EXPECTED_TASKS = {
    "red-branch": {"status": "Succeeded", "outputs": {"Output": "warm:red"}},
    "green-branch": {"status": "Skipped"},
    "other-branch": {"status": "Skipped"},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"color": "green"}, {"Output": "natural:green"}, {
        "red-branch": {"status": "Skipped"},
        "green-branch": {"status": "Succeeded", "outputs": {"Output": "natural:green"}},
        "other-branch": {"status": "Skipped"},
    }),
    ({"color": "blue"}, {"Output": "other:blue"}, {
        "red-branch": {"status": "Skipped"},
        "green-branch": {"status": "Skipped"},
        "other-branch": {"status": "Succeeded", "outputs": {"Output": "other:blue"}},
    }),
]
