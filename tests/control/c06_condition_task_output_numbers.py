"""Conditions on int, float and bool task outputs with <, <=, >, >= and ==: score = 10 * n is
compared with 30, ratio = n / 8 with 0.5, and a bool output with True."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def score(n: int) -> int:
    return 10 * n


@dsl.component(base_image="python:3.11")
def ratio(n: int) -> float:
    return n / 8


@dsl.component(base_image="python:3.11")
def is_even(n: int) -> bool:
    return n % 2 == 0


@dsl.component(base_image="python:3.11")
def note(what: str) -> str:
    return what


@dsl.pipeline(name="control-condition-task-output-numbers")
def condition_task_output_numbers(n: int = 3):
    s = score(n=n).set_display_name("score")
    with dsl.If(s.output < 30):
        note(what="score < 30").set_display_name("lt")
    with dsl.If(s.output <= 30):
        note(what="score <= 30").set_display_name("le")
    with dsl.If(s.output > 30):
        note(what="score > 30").set_display_name("gt")
    with dsl.If(s.output >= 30):
        note(what="score >= 30").set_display_name("ge")
    r = ratio(n=n).set_display_name("ratio")
    with dsl.If(r.output >= 0.5):
        note(what="ratio >= 0.5").set_display_name("ratio-ge")
    with dsl.If(r.output < 0.5):
        note(what="ratio < 0.5").set_display_name("ratio-lt")
    e = is_even(n=n).set_display_name("is-even")
    with dsl.If(e.output == True):  # noqa: E712
        note(what="even").set_display_name("even")


def _tasks(n, taken):
    labels = {"lt": "score < 30", "le": "score <= 30", "gt": "score > 30", "ge": "score >= 30",
              "ratio-ge": "ratio >= 0.5", "ratio-lt": "ratio < 0.5", "even": "even"}
    tasks = {name: ({"status": "Succeeded", "outputs": {"Output": label}} if name in taken else {"status": "Skipped"})
             for name, label in labels.items()}
    tasks["score"] = {"status": "Succeeded", "outputs": {"Output": 10 * n}}
    tasks["ratio"] = {"status": "Succeeded", "outputs": {"Output": n / 8}}
    tasks["is-even"] = {"status": "Succeeded", "outputs": {"Output": n % 2 == 0}}
    return tasks


ARGUMENTS = {"n": 3}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {}
EXPECTED_TASKS = _tasks(3, {"le", "ge", "ratio-lt"})  # score 30, ratio 0.375, odd
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"n": 4}, {}, _tasks(4, {"gt", "ge", "ratio-ge", "even"})),  # score 40, ratio 0.5, even
    ({"n": 2}, {}, _tasks(2, {"lt", "le", "ratio-lt", "even"})),  # score 20, ratio 0.25, even
]
