"""The older dsl.Condition (deprecated alias of dsl.If): on a str parameter, on an int parameter
with >=, and nested with a condition on a task output."""
import warnings

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def double(n: int) -> int:
    return 2 * n


@dsl.component(base_image="python:3.11")
def say(msg: str) -> str:
    return msg


with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)

    @dsl.pipeline(name="control-legacy-condition")
    def legacy_condition(mode: str = "on", n: int = 3):
        with dsl.Condition(mode == "on"):
            say(msg="mode is on").set_display_name("mode-on")
        with dsl.Condition(n >= 3):
            d = double(n=n).set_display_name("double")
            with dsl.Condition(d.output > 7):
                say(msg="double is big").set_display_name("double-big")


ARGUMENTS = {"mode": "on", "n": 3}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {}
EXPECTED_TASKS = {
    "mode-on": {"status": "Succeeded", "outputs": {"Output": "mode is on"}},
    "double": {"status": "Succeeded", "outputs": {"Output": 6}},
    "double-big": {"status": "Skipped"},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"mode": "off", "n": 4}, {}, {
        "mode-on": {"status": "Skipped"},
        "double": {"status": "Succeeded", "outputs": {"Output": 8}},
        "double-big": {"status": "Succeeded", "outputs": {"Output": "double is big"}},
    }),
    ({"mode": "on", "n": 2}, {}, {
        "mode-on": {"status": "Succeeded", "outputs": {"Output": "mode is on"}},
        "double": {"status": "Skipped"},
        "double-big": {"status": "Skipped"},
    }),
]
