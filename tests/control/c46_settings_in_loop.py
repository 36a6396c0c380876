"""Per-task settings on loop bodies: a Python task and a container task (sh -c) with env vars,
cpu/memory limits, retries and caching off, each returning its env var with the item; a
condition inside the loop with settings too."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def tagged(x: int) -> str:
    import os
    return f"{os.environ['PREFIX']}{x}"


@dsl.container_component
def env_echo(x: int, out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(
        image="alpine:3.19",
        command=["sh", "-c", 'mkdir -p "$(dirname "$1")" && printf "%s-%s" "$GREETING" "$0" > "$1"'],
        args=[x, out],
    )


@dsl.pipeline(name="control-settings-in-loop")
def settings_in_loop() -> NamedTuple("Outputs", tags=List[str], greetings=List[str], odd=List[str]):
    with dsl.ParallelFor([1, 2, 3], parallelism=2) as x:
        t = (tagged(x=x).set_env_variable("PREFIX", "item-").set_cpu_limit("1")
             .set_memory_limit("512Mi").set_retry(2).set_caching_options(False).set_display_name("tagged"))
        g = (env_echo(x=x).set_env_variable("GREETING", "hi").set_memory_limit("64Mi")
             .set_caching_options(False).set_display_name("env-echo"))
        with dsl.If(x != 2):
            o = (tagged(x=x).set_env_variable("PREFIX", "odd-").set_retry(1)
                 .set_cpu_limit("250m").set_display_name("odd-tagged"))
    outputs = NamedTuple("Outputs", tags=List[str], greetings=List[str], odd=List[str])
    return outputs(tags=dsl.Collected(t.output), greetings=dsl.Collected(g.outputs["out"]),
                   odd=dsl.Collected(o.output))


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"tags": ["item-1", "item-2", "item-3"], "greetings": ["hi-1", "hi-2", "hi-3"], "odd": ["odd-1", "odd-3"]}
EXPECTED_TASKS = {
    "tagged": {"status": "Succeeded"},
    "env-echo": {"status": "Succeeded"},
    "odd-tagged": {"status": "Succeeded"},
}
