"""Per-task settings on tasks nested two groups deep (an If inside a loop) and in a pipeline
component inside a condition: env vars read back, cpu/memory limits, retries, caching off."""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def env_value(key: str, x: int) -> str:
    import os
    return f"{os.environ[key]}{x}"


@dsl.container_component
def env_line(out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(
        image="alpine:3.19",
        command=["sh", "-c", 'mkdir -p "$(dirname "$0")" && printf "%s/%s" "$COLOR" "$SIZE" > "$0"'],
        args=[out],
    )


@dsl.pipeline(name="control-labelled")
def labelled() -> str:
    return (env_line().set_env_variable("COLOR", "green").set_env_variable("SIZE", "xl")
            .set_cpu_limit("100m").set_caching_options(False).set_display_name("env-line")).outputs["out"]


@dsl.pipeline(name="control-settings-in-nested-groups")
def settings_in_nested_groups(limit: int = 2, label: bool = True) -> NamedTuple(
        "Outputs", values=List[str], line=str):
    with dsl.ParallelFor([1, 2, 3]) as x:
        with dsl.If(x <= limit):
            v = (env_value(key="STAGE", x=x).set_env_variable("STAGE", "s")
                 .set_cpu_limit("1").set_memory_limit("128Mi").set_retry(2)
                 .set_caching_options(False).set_display_name("env-value"))
    with dsl.If(label == True):  # noqa: E712
        line = labelled()
    with dsl.Else():
        plain = env_value(key="STAGE", x=0).set_env_variable("STAGE", "none").set_display_name("plain")
    outputs = NamedTuple("Outputs", values=List[str], line=str)
    return outputs(values=dsl.Collected(v.output), line=dsl.OneOf(line.output, plain.output))


ARGUMENTS = {"limit": 2, "label": True}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"values": ["s1", "s2"], "line": "green/xl"}
EXPECTED_TASKS = {
    "env-value": {"status": "Succeeded"},
    "env-line": {"status": "Succeeded", "outputs": {"out": "green/xl"}},
    "plain": {"status": "Skipped"},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"limit": 3, "label": False}, {"values": ["s1", "s2", "s3"], "line": "none0"}, {
        "env-value": {"status": "Succeeded"},
        "env-line": {"status": "Skipped"},
        "plain": {"status": "Succeeded", "outputs": {"Output": "none0"}},
    }),
]
