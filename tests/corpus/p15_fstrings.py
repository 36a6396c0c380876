"""f-strings built from pipeline parameters and task outputs."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def echo(s: str) -> str:
    return s


@dsl.pipeline(name="fstrings")
def fstrings(who: str = "world", n: int = 3) -> str:
    first = echo(s=f"hello {who}")
    return echo(s=f"{first.output} x{n}!").output


ARGUMENTS = {"who": "tekton"}
EXPECTED = {"Output": "hello tekton x3!"}
