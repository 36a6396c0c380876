"""dsl.importer with a URI from a task output (a task builds file://…/data/words.txt); the
consumer counts the words (4) and returns a metadata value ("from-task")."""
import os
from typing import NamedTuple

from tekflow import dsl
from tekflow.dsl import Dataset, Input

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


@dsl.component(base_image="python:3.11")
def locate(directory: str, name: str) -> str:
    return "file://" + directory + "/" + name


@dsl.component(base_image="python:3.11")
def count_words(text: Input[Dataset]) -> NamedTuple("Counted", words=int, origin=str):
    from collections import namedtuple
    with open(text.path) as f:
        words = len(f.read().split())
    return namedtuple("Counted", ["words", "origin"])(words, text.metadata["origin"])


@dsl.pipeline(name="control-importer-task-output")
def importer_task_output(name: str = "words.txt") -> NamedTuple("Outputs", words=int, origin=str):
    where = locate(directory=DATA_DIR, name=name).set_display_name("locate")
    imported = dsl.importer(artifact_uri=where.output, artifact_class=Dataset, metadata={"origin": "from-task"})
    c = count_words(text=imported.output).set_display_name("count-words")
    outputs = NamedTuple("Outputs", words=int, origin=str)
    return outputs(words=c.outputs["words"], origin=c.outputs["origin"])


ARGUMENTS = {"name": "words.txt"}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"words": 4, "origin": "from-task"}
EXPECTED_TASKS = {
    "locate": {"status": "Succeeded", "outputs": {"Output": "file://" + DATA_DIR + "/words.txt"}},
    "count-words": {"status": "Succeeded", "outputs": {"words": 4, "origin": "from-task"}},
}
