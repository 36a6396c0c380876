"""Per-task settings on tasks inside If/Else branches: env (set_env_variable), resources
(set_cpu_limit, set_memory_limit), retries (set_retry), caching (set_caching_options(False));
each task reads its env var and returns it."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def read_env(name: str) -> str:
    import os
    return os.environ[name]


@dsl.pipeline(name="control-settings-in-condition")
def settings_in_condition(fast: bool = True) -> str:
    with dsl.If(fast == True):  # noqa: E712
        f = (read_env(name="MODE").set_env_variable("MODE", "fast")
             .set_cpu_limit("2").set_memory_limit("1Gi").set_retry(3)
             .set_caching_options(False).set_display_name("fast-mode"))
    with dsl.Else():
        s = (read_env(name="MODE").set_env_variable("MODE", "slow")
             .set_cpu_limit("500m").set_memory_limit("256Mi").set_retry(1)
             .set_caching_options(False).set_display_name("slow-mode"))
    return dsl.OneOf(f.output, s.output)


ARGUMENTS = {"fast": True}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": "fast"}
EXPECTED_TASKS = {
    "fast-mode": {"status": "Succeeded", "outputs": {"Output": "fast"}},
    "slow-mode": {"status": "Skipped"},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"fast": False}, {"Output": "slow"}, {
        "fast-mode": {"status": "Skipped"},
        "slow-mode": {"status": "Succeeded", "outputs": {"Output": "slow"}},
    }),
]
