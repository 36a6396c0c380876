"""Per-task settings inside conditions and loops: resources, retries, caching, env."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def read_env(x: int) -> str:
    import os
    return f"{os.environ['PREFIX']}{x}"


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return ",".join(xs)


@dsl.pipeline(name="settings-in-groups")
def settings_in_groups(go: bool = True) -> str:
    with dsl.ParallelFor([1, 2]) as x:
        with dsl.If(go == True):  # noqa: E712
            r = (read_env(x=x).set_env_variable("PREFIX", "n").set_cpu_limit("1").set_memory_limit("512Mi")
                 .set_retry(2).set_caching_options(False).set_display_name("read-env"))
    return join(xs=dsl.Collected(r.output)).output


VARIANTS = [
    {"arguments": {"go": True}, "expected": {"Output": "n1,n2"}},
    {"arguments": {"go": False}, "expected": {"Output": ""}, "tasks": {"read-env": "Skipped"}},
]
