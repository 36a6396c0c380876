"""Artifacts of several types in and out, with metadata."""
from tekflow import dsl
from tekflow.dsl import HTML, Artifact, Dataset, Input, Markdown, Metrics, Model, Output


@dsl.component(base_image="python:3.11")
def produce(rows: int, data: Output[Dataset], model: Output[Model], report: Output[HTML], notes: Output[Markdown],
            blob: Output[Artifact], metrics: Output[Metrics]):
    with open(data.path, "w") as f:
        f.write("\n".join(str(i) for i in range(rows)))
    data.metadata["rows"] = rows
    with open(model.path, "w") as f:
        f.write("weights")
    model.metadata["framework"] = "none"
    with open(report.path, "w") as f:
        f.write("<b>ok</b>")
    with open(notes.path, "w") as f:
        f.write("# notes")
    with open(blob.path, "wb") as f:
        f.write(bytes(range(256)))
    metrics.log_metric("rows", rows)


@dsl.component(base_image="python:3.11")
def consume(data: Input[Dataset], model: Input[Model], report: Input[HTML], notes: Input[Markdown],
            blob: Input[Artifact]) -> str:
    total = sum(int(x) for x in open(data.path).read().split())
    return "|".join([str(total), str(data.metadata["rows"]), model.metadata["framework"], open(model.path).read(),
                     open(report.path).read(), open(notes.path).read(), str(len(open(blob.path, "rb").read()))])


@dsl.pipeline(name="artifacts")
def artifacts(rows: int = 4) -> str:
    p = produce(rows=rows)
    return consume(data=p.outputs["data"], model=p.outputs["model"], report=p.outputs["report"],
                   notes=p.outputs["notes"], blob=p.outputs["blob"]).output


ARGUMENTS = {"rows": 5}
EXPECTED = {"Output": "10|5|none|weights|<b>ok</b>|# notes|256"}
