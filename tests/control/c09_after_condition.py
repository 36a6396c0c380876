"""Tasks after a condition: `.after()` on tasks inside If/Else branches (kfp allows it when the
branches are exhaustive); when a branch is not taken its task is skipped and the downstream
task still runs. One If/Else is an equality on a bool (a Tekton `when`), the other an ordered
comparison on an int (evaluated by the launcher)."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def stamp(msg: str) -> str:
    return msg


@dsl.component(base_image="python:3.11")
def finish(a: str, b: str) -> str:
    return a + "+" + b


@dsl.pipeline(name="control-after-condition")
def after_condition(go: bool = False, n: int = 1) -> str:
    with dsl.If(go == True):  # noqa: E712
        yes = stamp(msg="go").set_display_name("go-branch")
    with dsl.Else():
        no = stamp(msg="stop").set_display_name("stop-branch")
    with dsl.If(n > 2):
        big = stamp(msg="big").set_display_name("big-branch")
    with dsl.Else():
        small = stamp(msg="small").set_display_name("small-branch")
    first = stamp(msg="after-go").after(yes).set_display_name("after-go")
    second = stamp(msg="after-big").after(big, small).set_display_name("after-big")
    return finish(a=first.output, b=second.output).after(no).set_display_name("finish").output


ARGUMENTS = {"go": False, "n": 1}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": "after-go+after-big"}
EXPECTED_TASKS = {
    "go-branch": {"status": "Skipped"},
    "stop-branch": {"status": "Succeeded"},
    "big-branch": {"status": "Skipped"},
    "small-branch": {"status": "Succeeded"},
    "after-go": {"status": "Succeeded", "outputs": {"Output": "after-go"}},
    "after-big": {"status": "Succeeded", "outputs": {"Output": "after-big"}},
    "finish": {"status": "Succeeded", "outputs": {"Output": "after-go+after-big"}},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"go": True, "n": 3}, EXPECTED, {
        "go-branch": {"status": "Succeeded", "outputs": {"Output": "go"}},
        "stop-branch": {"status": "Skipped"},
        "big-branch": {"status": "Succeeded", "outputs": {"Output": "big"}},
        "small-branch": {"status": "Skipped"},
        "after-go": {"status": "Succeeded"},
        "after-big": {"status": "Succeeded"},
        "finish": {"status": "Succeeded", "outputs": {"Output": "after-go+after-big"}},
    }),
]
