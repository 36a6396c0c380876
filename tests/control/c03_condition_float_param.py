"""Conditions on a float pipeline parameter: If x > 0.5 / Elif x == 0.5 / Else, and
independent x <= 0.25 and x != 0.5; the chosen branch feeds the output through dsl.OneOf."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def describe(x: float, word: str) -> str:
    return f"{word} {x}"


@dsl.pipeline(name="control-condition-float-param")
def condition_float_param(x: float = 0.75) -> str:
    with dsl.If(x > 0.5):
        high = describe(x=x, word="high").set_display_name("high")
    with dsl.Elif(x == 0.5):
        half = describe(x=x, word="half").set_display_name("half")
    with dsl.Else():
        low = describe(x=x, word="low").set_display_name("low")
    with dsl.If(x <= 0.25):
        describe(x=x, word="quarter-or-less").set_display_name("quarter-or-less")
    with dsl.If(x != 0.5):
        describe(x=x, word="not-half").set_display_name("not-half")
    return dsl.OneOf(high.output, half.output, low.output)


ARGUMENTS = {"x": 0.75}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": "high 0.75"}
EXPECTED_TASKS = {
    "high": {"status": "Succeeded", "outputs": {"Output": "high 0.75"}},
    "half": {"status": "Skipped"},
    "low": {"status": "Skipped"},
    "quarter-or-less": {"status": "Skipped"},
    "not-half": {"status": "Succeeded", "outputs": {"Output": "not-half 0.75"}},
}
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"x": 0.5}, {"Output": "half 0.5"}, {
        "high": {"status": "Skipped"},
        "half": {"status": "Succeeded", "outputs": {"Output": "half 0.5"}},
        "low": {"status": "Skipped"},
        "quarter-or-less": {"status": "Skipped"},
        "not-half": {"status": "Skipped"},
    }),
    ({"x": 0.125}, {"Output": "low 0.125"}, {
        "high": {"status": "Skipped"},
        "half": {"status": "Skipped"},
        "low": {"status": "Succeeded", "outputs": {"Output": "low 0.125"}},
        "quarter-or-less": {"status": "Succeeded", "outputs": {"Output": "quarter-or-less 0.125"}},
        "not-half": {"status": "Succeeded", "outputs": {"Output": "not-half 0.125"}},
    }),
]
