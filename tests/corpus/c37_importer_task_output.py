"""dsl.importer with a URI from a task output and from a pipeline parameter; metadata carried."""
import os

from tekflow import dsl
from tekflow.dsl import Dataset, Input

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "numbers.csv")


@dsl.component(base_image="python:3.11")
def locate(path: str) -> str:
    return "file://" + path


@dsl.component(base_image="python:3.11")
def summarize(data: Input[Dataset]) -> str:
    return f"{sum(int(x) for x in open(data.path).read().split(','))} ({data.metadata['origin']})"


@dsl.component(base_image="python:3.11")
def join(a: str, b: str) -> str:
    return f"{a} | {b}"


@dsl.pipeline(name="importer-dynamic")
def importer_dynamic(uri: str = "file://" + DATA) -> str:
    where = locate(path=DATA)
    from_task = dsl.importer(artifact_uri=where.output, artifact_class=Dataset, metadata={"origin": "task"})
    from_param = dsl.importer(artifact_uri=uri, artifact_class=Dataset, metadata={"origin": "param"})
    return join(a=summarize(data=from_task.output).output, b=summarize(data=from_param.output).output).output


ARGUMENTS = {}
EXPECTED = {"Output": "15 (task) | 15 (param)"}
