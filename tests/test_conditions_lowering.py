"""dsl.If / Elif / Else -> Tekton `when` expressions (compile level; runs are in the run corpus)."""


import json

import pytest

from tekflow import dsl
from tekflow.compiler import Compiler, conditions
from tekflow.compiler.conditions import Comparison, InputRef, Literal
from tekflow.errors import NotSupportedError
from tekton_validation import assert_valid


@dsl.component(base_image="python:3.11")
def flip(seed: int) -> str:
    return "heads" if seed % 2 else "tails"


@dsl.component(base_image="python:3.11")
def say(msg: str) -> str:
    return msg


@dsl.component(base_image="python:3.11")
def ratio() -> float:
    return 0.5


@dsl.pipeline(name="branches")
def branches(seed: int = 1, mode: str = "a", flag: bool = True):
    f = flip(seed=seed)
    with dsl.If(f.output == "heads"):
        heads = say(msg="H").set_display_name("heads")
        with dsl.If(mode == "a"):
            say(msg="HA").set_display_name("heads-and-a")
    with dsl.Elif(f.output == "tails"):
        say(msg="T").set_display_name("tails")
    with dsl.Else():
        say(msg="?").set_display_name("neither")
    with dsl.If(flag == True):  # noqa: E712 - kfp builds the condition from ==
        say(msg="flag").set_display_name("flag")
    with dsl.If(seed != 3):
        say(msg="not three").set_display_name("not-three")
    say(msg="after").set_display_name("after").after(heads)


def _tasks(tmp_path, func):
    run = Compiler().compile_to_pipelinerun(func)
    return {t.display_name: t for t in run.spec.pipeline_spec.tasks}


def _when(task):
    return [(w.input, w.operator, w.values) for w in task.when]


def test_if_elif_else_become_in_notin_on_the_result(tmp_path):
    tasks = _tasks(tmp_path, branches)
    result = "$(tasks.flip.results.Output)"
    assert _when(tasks["heads"]) == [(result, "in", ["heads"])]
    assert _when(tasks["tails"]) == [(result, "notin", ["heads"]), (result, "in", ["tails"])]
    assert _when(tasks["neither"]) == [(result, "notin", ["heads"]), (result, "notin", ["tails"])]


def test_nested_condition_carries_both_guards_outermost_first(tmp_path):
    tasks = _tasks(tmp_path, branches)
    assert _when(tasks["heads-and-a"]) == [("$(tasks.flip.results.Output)", "in", ["heads"]),
                                            ("$(params.mode)", "in", ["a"])]


def test_pipeline_params_compare_in_their_tekton_text(tmp_path):
    tasks = _tasks(tmp_path, branches)
    assert _when(tasks["flag"]) == [("$(params.flag)", "in", ["true"])]
    assert _when(tasks["not-three"]) == [("$(params.seed)", "notin", ["3"])]


def test_task_after_a_guarded_task_runs_after_it_without_a_guard(tmp_path):
    tasks = _tasks(tmp_path, branches)
    assert tasks["after"].when == []
    assert tasks["heads"].name in tasks["after"].run_after


def test_compiled_conditions_pass_tektons_validation(tmp_path):
    out = tmp_path / "branches.yaml"
    Compiler().compile(branches, str(out))
    assert_valid(out.read_text())


def _launch_spec(task):
    args = task.task_spec.steps[0].args
    return json.loads(args[args.index("--spec") + 1].replace("$\\u0028", "$("))


def test_ordered_comparison_is_evaluated_by_the_tasks_launcher():
    @dsl.pipeline(name="ordered")
    def ordered(n: int = 1):
        with dsl.If(n > 2):
            say(msg="big")

    (task,) = Compiler().compile_to_pipelinerun(ordered).spec.pipeline_spec.tasks
    assert task.when == []
    (guard,) = _launch_spec(task)["guards"]
    assert guard["comparison"] == {"left": {"input": "pipelinechannel--n", "cast": "int"}, "operator": ">",
                                   "right": {"literal": 2}, "negate": False}
    assert guard["inputs"]["pipelinechannel--n"]["type"] == "NUMBER_INTEGER"
    param = guard["inputs"]["pipelinechannel--n"]["param"]
    assert any(p.name == param and p.value == "$(params.n)" for p in task.params)


def test_double_comparison_is_evaluated_by_the_launcher_reading_the_producer():
    @dsl.pipeline(name="dbl")
    def dbl():
        r = ratio()
        with dsl.If(r.output == 0.5):
            say(msg="half").set_display_name("half")

    tasks = {t.display_name: t for t in Compiler().compile_to_pipelinerun(dbl).spec.pipeline_spec.tasks}
    half = tasks["half"]
    assert half.when == []
    (guard,) = _launch_spec(half)["guards"]
    entry = guard["inputs"]["pipelinechannel--ratio-Output"]
    assert (entry["producer"], entry["output"], entry["type"]) == (tasks["ratio"].name, "Output", "NUMBER_DOUBLE")


@pytest.mark.parametrize("expression, values, expected", [
    ("inputs.parameter_values['x'] == 'heads'", {"x": "heads"}, True),
    ("!(inputs.parameter_values['x'] == 'heads') && inputs.parameter_values['x'] == 'tails'", {"x": "tails"}, True),
    ("!(inputs.parameter_values['x'] == 'heads') && inputs.parameter_values['x'] == 'tails'", {"x": "heads"}, False),
    ("int(inputs.parameter_values['n']) > 2", {"n": 3}, True),
    ("int(inputs.parameter_values['n']) <= 2", {"n": 3}, False),
    ("double(inputs.parameter_values['r']) >= 0.5", {"r": 0.5}, True),
    ("inputs.parameter_values['b'] == true", {"b": True}, True),
    ("inputs.parameter_values['age'] > '40'", {"age": 41}, True),  # a loop item's field typed as a string
    ("int(inputs.parameter_values['age']) > 40", {"age": "39"}, False),
    ("inputs.parameter_values['s'] == 'abc'", {"s": "abc"}, True),
])
def test_condition_expressions_parse_and_evaluate(expression, values, expected):
    assert conditions.evaluate(conditions.parse(expression), values) is expected


def test_parse_builds_comparisons():
    (atom,) = conditions.parse("!(int(inputs.parameter_values['n']) < 3)")
    assert atom == Comparison(InputRef("n", "int"), "<", Literal(3), negate=True)


def test_unreadable_condition_is_not_supported():
    with pytest.raises(NotSupportedError, match="not supported yet: condition"):
        conditions.parse("inputs.parameter_values['x'] || true")


@dsl.component(base_image="python:3.11")
def double(x: int) -> int:
    return 2 * x


@dsl.pipeline(name="chain-in-branch")
def chain_in_branch(flag: bool = False) -> int:
    with dsl.If(flag == True):  # noqa: E712
        first = double(x=1).set_display_name("first")
        second = double(x=first.output).set_display_name("second")
    with dsl.Else():
        other = double(x=5).set_display_name("other")
    return double(x=dsl.OneOf(second.output, other.output)).set_display_name("after").output


def test_a_chain_inside_a_branch_does_not_skip_the_tasks_after_it(tmp_path):
    from tekflow import local
    from tekflow.compiler.emit import to_yaml

    run = Compiler().compile_to_pipelinerun(chain_in_branch)
    assert_valid(to_yaml(run))
    tasks = {t.display_name: t for t in run.spec.pipeline_spec.tasks}
    # no result reference to a task Tekton may skip by its `when`: ordered by runAfter instead
    assert not any("$(tasks." in str(p.value) for p in tasks["second"].params)
    assert tasks["second"].run_after == [tasks["first"].name]
    for flag, statuses, output in ((False, ("Skipped", "Skipped"), 20), (True, ("Succeeded", "Succeeded"), 8)):
        result = local.run(chain_in_branch, {"flag": flag}, run_dir=tmp_path / str(flag))
        assert result.status == "Succeeded"
        assert (result.tasks[tasks["first"].name].status, result.tasks[tasks["second"].name].status) == statuses
        assert result.tasks[tasks["after"].name].status == "Succeeded" and result.outputs == {"Output": output}


@dsl.pipeline(name="dollar-literal")
def dollar_literal(s: str = "$(context.pipelineRun.name)"):
    with dsl.If(s == "$(context.pipelineRun.name)"):
        say(msg="same").set_display_name("same")


def test_a_literal_tekton_would_substitute_is_compared_by_the_launcher(tmp_path):
    from tekflow import local

    tasks = _tasks(tmp_path, dollar_literal)
    assert tasks["same"].when == []  # in a `when`, Tekton would replace the literal by the run's name
    result = local.run(dollar_literal, run_dir=tmp_path / "run")
    assert result.tasks[tasks["same"].name].status == "Succeeded"
