"""Values with quotes, Tekton-looking `$(…)` text, newlines and unicode survive unchanged."""
from tekflow import dsl

TRICKY = "it's \"quoted\" $(params.x) $(context.pipelineRun.name) ${HOME} `id`\nsecond line\tünïcødé ✓\n"


@dsl.component(base_image="python:3.11")
def echo(s: str) -> str:
    return s


@dsl.component(base_image="python:3.11")
def length(s: str) -> int:
    return len(s)


@dsl.pipeline(name="special-values")
def special_values(s: str = TRICKY) -> str:
    e = echo(s=s)
    e2 = echo(s=e.output)
    length(s=e2.output)
    return e2.output


ARGUMENTS = {}
EXPECTED = {"Output": TRICKY}
