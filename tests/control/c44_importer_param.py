"""dsl.importer with a URI from a pipeline parameter, inside a condition, the metadata carried
(a consumer returns it); the run's argument points at tests/control/data/values.csv ("3,4,5")."""
import os

from tekflow import dsl
from tekflow.dsl import Dataset, Input

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "values.csv")


@dsl.component(base_image="python:3.11")
def describe(data: Input[Dataset]) -> str:
    with open(data.path) as f:
        values = [int(v) for v in f.read().strip().split(",")]
    return f"{data.metadata['owner']}:{max(values)}"


@dsl.pipeline(name="control-importer-param")
def importer_param(uri: str = "file:///nonexistent/values.csv", use: bool = True) -> str:
    with dsl.If(use == True):  # noqa: E712
        imported = dsl.importer(artifact_uri=uri, artifact_class=Dataset, metadata={"owner": "param"})
        d = describe(data=imported.output).set_display_name("describe")
    with dsl.Else():
        n = describe(data=dsl.importer(artifact_uri="file://" + DATA, artifact_class=Dataset,
                                       metadata={"owner": "fallback"}).output).set_display_name("fallback")
    return dsl.OneOf(d.output, n.output)


ARGUMENTS = {"uri": "file://" + DATA, "use": True}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": "param:5"}
EXPECTED_TASKS = {
    "describe": {"status": "Succeeded", "outputs": {"Output": "param:5"}},
    "fallback": {"status": "Skipped"},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"uri": "file://" + DATA, "use": False}, {"Output": "fallback:5"}, {
        "describe": {"status": "Skipped"},
        "fallback": {"status": "Succeeded", "outputs": {"Output": "fallback:5"}},
    }),
]
