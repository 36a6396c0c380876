"""dsl.importer with a constant URI (file:// + the absolute path of tests/control/data/values.csv,
"3,4,5"), its metadata carried to the consumer: sum 12 and metadata "source" = "constant"."""
import os
from typing import NamedTuple

from tekflow import dsl
from tekflow.dsl import Dataset, Input

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "values.csv")


@dsl.component(base_image="python:3.11")
def summarize(data: Input[Dataset]) -> NamedTuple("Summary", total=int, source=str):
    from collections import namedtuple
    with open(data.path) as f:
        total = sum(int(v) for v in f.read().strip().split(","))
    return namedtuple("Summary", ["total", "source"])(total, data.metadata["source"])


@dsl.pipeline(name="control-importer-constant")
def importer_constant() -> NamedTuple("Outputs", total=int, source=str):
    imported = dsl.importer(artifact_uri="file://" + DATA, artifact_class=Dataset,
                            metadata={"source": "constant", "rows": 1})
    s = summarize(data=imported.output).set_display_name("summarize")
    outputs = NamedTuple("Outputs", total=int, source=str)
    return outputs(total=s.outputs["total"], source=s.outputs["source"])


ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"total": 12, "source": "constant"}
EXPECTED_TASKS = {"summarize": {"status": "Succeeded", "outputs": {"total": 12, "source": "constant"}}}
