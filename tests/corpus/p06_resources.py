"""CPU, memory and accelerator requests and limits on the main step."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def work(x: int) -> int:
    return x * 3


@dsl.pipeline(name="resources")
def resources(x: int = 2) -> int:
    a = work(x=x).set_cpu_request("500m").set_cpu_limit("2").set_memory_request("256Mi").set_memory_limit("1Gi")
    b = work(x=a.output).set_accelerator_type("nvidia.com/gpu").set_accelerator_limit(1)
    return b.output


ARGUMENTS = {"x": 1}
EXPECTED = {"Output": 9}
RESOURCES = {"work": {"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"cpu": "2", "memory": "1Gi"}},
             "work-2": {"limits": {"nvidia.com/gpu": "1"}}}
