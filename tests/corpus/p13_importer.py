"""dsl.importer with a constant URI: no pod, the consumer reads the file and its metadata."""
import os

from tekflow import dsl
from tekflow.dsl import Dataset, Input

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "numbers.csv")


@dsl.component(base_image="python:3.11")
def total(data: Input[Dataset]) -> str:
    numbers = [int(x) for x in open(data.path).read().split(",")]
    return f"{sum(numbers)} from {data.metadata['source']}"


@dsl.pipeline(name="importer")
def importer() -> str:
    imported = dsl.importer(artifact_uri=f"file://{DATA}", artifact_class=Dataset, metadata={"source": "fixture"})
    return total(data=imported.output).output


ARGUMENTS = {}
EXPECTED = {"Output": "15 from fixture"}
