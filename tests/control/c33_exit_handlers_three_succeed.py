"""Three dsl.ExitHandlers, every group succeeding (one group holds a loop-free chain, one a
condition); each handler also takes a pipeline parameter and sees SUCCEEDED."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def add(x: int, y: int) -> int:
    return x + y


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus, group: str, tag: str) -> str:
    return f"{tag}/{group}={status.state}"


@dsl.pipeline(name="control-exit-handlers-three")
def exit_handlers_three(tag: str = "run", x: int = 2):
    with dsl.ExitHandler(report(group="a", tag=tag).set_display_name("exit-a")):
        a = add(x=x, y=1).set_display_name("a1")
        add(x=a.output, y=1).set_display_name("a2")
    with dsl.ExitHandler(report(group="b", tag=tag).set_display_name("exit-b")):
        with dsl.If(x > 1):
            add(x=x, y=10).set_display_name("b-big")
    with dsl.ExitHandler(report(group="c", tag=tag).set_display_name("exit-c")):
        add(x=x, y=x).set_display_name("c1")


ARGUMENTS = {"tag": "t1", "x": 2}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {}
EXPECTED_TASKS = {
    "a1": {"status": "Succeeded", "outputs": {"Output": 3}},
    "a2": {"status": "Succeeded", "outputs": {"Output": 4}},
    "b-big": {"status": "Succeeded", "outputs": {"Output": 12}},
    "c1": {"status": "Succeeded", "outputs": {"Output": 4}},
    "exit-a": {"status": "Succeeded", "outputs": {"Output": "t1/a=SUCCEEDED"}},
    "exit-b": {"status": "Succeeded", "outputs": {"Output": "t1/b=SUCCEEDED"}},
    "exit-c": {"status": "Succeeded", "outputs": {"Output": "t1/c=SUCCEEDED"}},
}
