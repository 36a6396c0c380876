""".after() across groups: a task after a whole loop and a task inside a condition after one outside."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def touch(directory: str, name: str) -> str:
    import os
    os.makedirs(directory, exist_ok=True)
    open(os.path.join(directory, name), "w").close()
    return name


@dsl.component(base_image="python:3.11")
def listing(directory: str) -> str:
    import os
    return ",".join(sorted(os.listdir(directory)))


@dsl.pipeline(name="after-across-groups")
def after_across_groups(directory: str = "/tmp/tekflow-after-groups") -> str:
    first = touch(directory=directory, name="first")
    with dsl.ParallelFor(["a", "b"]) as n:
        looped = touch(directory=directory, name=n).after(first)
    with dsl.If(directory != ""):
        inside = touch(directory=directory, name="inside").after(looped)
        seen = listing(directory=directory).after(inside)
    with dsl.Else():
        nothing = listing(directory=directory).after(looped)
    return dsl.OneOf(seen.output, nothing.output)


ARGUMENTS = {}
FRESH_DIRECTORY_PARAM = "directory"
EXPECTED = {"Output": "a,b,first,inside"}
