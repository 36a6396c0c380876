"""Retries (a task that fails on its first attempt), caching options, env variables."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def flaky(marker_dir: str) -> str:
    import os
    marker = os.path.join(marker_dir, "tekflow-flaky-attempted")
    if not os.path.exists(marker):
        os.makedirs(marker_dir, exist_ok=True)
        open(marker, "w").close()
        raise SystemExit("first attempt fails")
    return "second attempt"


@dsl.component(base_image="python:3.11")
def read_env() -> str:
    import os
    return os.environ["GREETING"] + " " + os.environ["TARGET"]


@dsl.pipeline(name="retries-caching")
def retries_caching(marker_dir: str = "/tmp") -> str:
    f = flaky(marker_dir=marker_dir).set_retry(num_retries=2, backoff_duration="0s").set_caching_options(False)
    e = read_env().set_env_variable("GREETING", "hello").set_env_variable("TARGET", "env").after(f)
    return e.output


ARGUMENTS = {}
FRESH_DIRECTORY_PARAM = "marker_dir"  # the run test passes a fresh directory
EXPECTED = {"Output": "hello env"}
