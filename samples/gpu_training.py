"""A GPU training pipeline: prepare data on CPU, train on GPUs with a queue and spot capacity,
evaluate on a shared GPU. Runs anywhere: on a machine without GPUs `tekflow run` says so and
the steps run on the CPU (standard library only).

    tekflow compile samples/gpu_training.py --profile gke -o train.yaml
    tekflow run samples/gpu_training.py
"""

from tekflow import dsl
from tekflow.dsl import Dataset, Input, Metrics, Model, Output


@dsl.component(base_image="python:3.11")
def prepare(samples: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        for i in range(samples):
            f.write(f"{i},{2 * i + 1}\n")
    data.metadata["samples"] = samples


@dsl.component(base_image="pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
def train(data: Input[Dataset], epochs: int, model: Output[Model]) -> float:
    import json
    import os

    pairs = [tuple(map(float, line.split(","))) for line in open(data.path)]
    a, b = 0.0, 0.0
    for _ in range(epochs):  # plain gradient descent on y = a*x + b
        ga = sum((a * x + b - y) * x for x, y in pairs) / len(pairs)
        gb = sum((a * x + b - y) for x, y in pairs) / len(pairs)
        a, b = a - 0.001 * ga, b - 0.001 * gb
    with open(model.path, "w") as f:
        json.dump({"a": a, "b": b}, f)
    model.metadata["devices"] = os.environ.get("CUDA_VISIBLE_DEVICES", "")
    return round(a, 3)


@dsl.component(base_image="python:3.11")
def evaluate(data: Input[Dataset], model: Input[Model], metrics: Output[Metrics]) -> float:
    import json

    params = json.load(open(model.path))
    pairs = [tuple(map(float, line.split(","))) for line in open(data.path)]
    error = sum(abs(params["a"] * x + params["b"] - y) for x, y in pairs) / len(pairs)
    metrics.log_metric("mae", round(error, 3))
    return round(error, 3)


@dsl.pipeline(name="gpu-training")
def gpu_training(samples: int = 20, epochs: int = 50) -> float:
    data = prepare(samples=samples).set_cpu_limit("1").set_memory_limit("1Gi")
    trained = train(data=data.outputs["data"], epochs=epochs).set_cpu_limit("8").set_memory_limit("32Gi")
    dsl.gpu(trained, count=2, product="A100-80GB")
    dsl.schedule(trained, queue="research", priority="high", spot=True)
    scored = evaluate(data=data.outputs["data"], model=trained.outputs["model"])
    dsl.gpu(scored, count=1, product="L4")
    return scored.outputs["Output"]


ARGUMENTS = {"samples": 20, "epochs": 50}
EXPECTED = {"Output": 0.356}
