"""tekflow quickstart: make a dataset, train a tiny model, evaluate it, return the score.

Run it on this machine (no cluster needed):

    tekflow run samples/quickstart.py
    tekflow run samples/quickstart.py -p points=200 -p noise=0.5 --output json

or compile it to a Tekton PipelineRun for a cluster:

    tekflow compile samples/quickstart.py -o quickstart.yaml

The components use only Python's standard library, so they run in `python:3.11` as is.
"""

from tekflow import dsl
from tekflow.dsl import Dataset, Input, Metrics, Model, Output


@dsl.component(base_image="python:3.11")
def make_dataset(points: int, noise: float, data: Output[Dataset]):
    """Points on the line y = 3x + 2, with deterministic noise."""
    import random

    rng = random.Random(42)
    with open(data.path, "w") as f:
        for i in range(points):
            x = i / points
            f.write(f"{x},{3 * x + 2 + rng.uniform(-noise, noise)}\n")
    data.metadata["rows"] = points


@dsl.component(base_image="python:3.11")
def train(data: Input[Dataset], model: Output[Model]) -> float:
    """Least-squares fit of y = a*x + b; returns the slope."""
    import json

    xs, ys = [], []
    with open(data.path) as f:
        for line in f:
            x, y = map(float, line.split(","))
            xs.append(x)
            ys.append(y)
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    a = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    b = my - a * mx
    with open(model.path, "w") as f:
        json.dump({"a": a, "b": b}, f)
    model.metadata["framework"] = "least-squares"
    return a


@dsl.component(base_image="python:3.11")
def evaluate(data: Input[Dataset], model: Input[Model], metrics: Output[Metrics]) -> float:
    """Mean absolute error of the model on the data (lower is better)."""
    import json

    with open(model.path) as f:
        params = json.load(f)
    errors = []
    with open(data.path) as f:
        for line in f:
            x, y = map(float, line.split(","))
            errors.append(abs(params["a"] * x + params["b"] - y))
    mae = round(sum(errors) / len(errors), 4)
    metrics.log_metric("mae", mae)
    return mae


@dsl.pipeline(name="quickstart", description="Fit a line and measure the error.")
def quickstart(points: int = 100, noise: float = 0.1) -> float:
    dataset = make_dataset(points=points, noise=noise).set_display_name("make dataset")
    model = train(data=dataset.outputs["data"]).set_display_name("train")
    score = evaluate(data=dataset.outputs["data"], model=model.outputs["model"]).set_display_name("evaluate")
    return score.outputs["Output"]


ARGUMENTS = {"points": 100, "noise": 0.1}
EXPECTED = {"Output": 0.0517}
