"""dsl.ParallelFor over a literal list of strings with a container component (sh -c) body;
the collected outputs are returned directly as the pipeline output and joined by a task."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.container_component
def shout(word: str, out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(
        image="alpine:3.19",
        command=["sh", "-c", 'mkdir -p "$(dirname "$1")" && printf "%s!" "$0" | tr a-z A-Z > "$1"'],
        args=[word, out],
    )


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return " ".join(xs)


@dsl.pipeline(name="control-loop-strings-container")
def loop_strings_container() -> NamedTuple("Outputs", words=List[str], sentence=str):
    with dsl.ParallelFor(["kfp", "on", "tekton"]) as w:
        s = shout(word=w).set_display_name("shout")
    j = join(xs=dsl.Collected(s.outputs["out"])).set_display_name("join")
    outputs = NamedTuple("Outputs", words=List[str], sentence=str)
    return outputs(words=dsl.Collected(s.outputs["out"]), sentence=j.output)


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"words": ["KFP!", "ON!", "TEKTON!"], "sentence": "KFP! ON! TEKTON!"}
EXPECTED_TASKS = {"join": {"status": "Succeeded", "outputs": {"Output": "KFP! ON! TEKTON!"}}}
