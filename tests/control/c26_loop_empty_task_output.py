"""dsl.ParallelFor over a task output that is an empty list: the fan-in gives [], consumed by
a task (joined: "") and returned directly as the pipeline output."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def words_longer_than(text: str, n: int) -> List[str]:
    return [w for w in text.split() if len(w) > n]


@dsl.component(base_image="python:3.11")
def upper(word: str) -> str:
    return word.upper()


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return "|".join(xs)


@dsl.pipeline(name="control-loop-empty-task-output")
def loop_empty_task_output(text: str = "a bb ccc", n: int = 5) -> NamedTuple("Outputs", words=List[str], joined=str):
    w = words_longer_than(text=text, n=n).set_display_name("filter")
    with dsl.ParallelFor(w.output) as word:
        u = upper(word=word).set_display_name("upper")
    j = join(xs=dsl.Collected(u.output)).set_display_name("join")
    outputs = NamedTuple("Outputs", words=List[str], joined=str)
    return outputs(words=dsl.Collected(u.output), joined=j.output)


ARGUMENTS = {"text": "a bb ccc", "n": 5}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"words": [], "joined": ""}
EXPECTED_TASKS = {
    "filter": {"status": "Succeeded", "outputs": {"Output": []}},
    "join": {"status": "Succeeded", "outputs": {"Output": ""}},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"text": "a bb ccc", "n": 1}, {"words": ["BB", "CCC"], "joined": "BB|CCC"}, {
        "filter": {"status": "Succeeded", "outputs": {"Output": ["bb", "ccc"]}},
        "join": {"status": "Succeeded", "outputs": {"Output": "BB|CCC"}},
    }),
]
