"""dsl.ParallelFor, dsl.Collected and dsl.OneOf lowering (compile level; runs are in the run corpus)."""

import json
from typing import List

import pytest

from tekflow import dsl
from tekflow.compiler import Compiler
from tekflow.errors import TekflowError
from tekton_validation import assert_valid


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def add(a: int, b: int) -> int:
    return a + b


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def records() -> List[dict]:
    return [{"a": 1}, {"a": 2}]


@dsl.component(base_image="python:3.11")
def word() -> str:
    return "heads"


def _spec(task):
    step = task.task_spec.steps[0]
    return json.loads(step.args[step.args.index("--spec") + 1].replace("$\\u0028", "$("))


def _tasks(func):
    run = Compiler().compile_to_pipelinerun(func)
    return run, {t.display_name: t for t in run.spec.pipeline_spec.tasks}


@dsl.pipeline(name="static-loop")
def static_loop() -> int:
    with dsl.ParallelFor([1, 2, 3], parallelism=2) as i:
        s = square(x=i).set_display_name("square")
        a = add(a=s.output, b=i).set_display_name("add")
    return total(xs=dsl.Collected(a.output)).set_display_name("total").output


def test_constant_loop_is_a_static_matrix_over_batches_capped_by_parallelism():
    _, tasks = _tasks(static_loop)
    for name in ("square", "add"):
        (param,) = tasks[name].matrix.params
        assert (param.name, param.value) == ("tekflow-batch", ["0", "1"])  # parallelism=2 -> 2 batches
        space = _spec(tasks[name])["iteration"]["space"]
        assert [it["items"] for it in space["iterations"]] == [[1], [2], [3]] and space["batches"] == 2
        assert tasks[name].task_spec.results == []  # per-iteration values live in manifests


def test_loop_body_reads_its_own_iteration_and_the_item():
    _, tasks = _tasks(static_loop)
    inputs = _spec(tasks["add"])["inputs"]["parameters"]
    assert inputs["a"] == {"producer": tasks["square"].name, "output": "Output", "depth": 1}
    assert inputs["b"] == {"loop_item": 0, "path": []}
    assert tasks["square"].name in tasks["add"].run_after


def test_collected_reads_every_iteration_after_the_loop():
    _, tasks = _tasks(static_loop)
    collect = _spec(tasks["total"])["inputs"]["parameters"]["xs"]["collect"]
    assert (collect["producer"], collect["depth"], collect["levels"]) == (tasks["add"].name, 1, 1)
    assert set(tasks["total"].run_after) >= {tasks["add"].name, tasks["square"].name}
    assert tasks["total"].matrix is None


@dsl.pipeline(name="dynamic-loops")
def dynamic_loops(ns: List[int] = [1, 2]):
    r = records().set_display_name("records")
    with dsl.ParallelFor(r.output) as item:
        square(x=item.a).set_display_name("from-output")
    with dsl.ParallelFor(ns) as n:
        square(x=n).set_display_name("from-param")


def test_loop_over_a_task_output_fans_out_over_an_iterations_task():
    _, tasks = _tasks(dynamic_loops)
    body = tasks["from-output"]
    helper_name = _spec(body)["iteration"]["space"]["helper"]
    helper = next(t for t in tasks.values() if t.name == helper_name)
    assert body.matrix.params[0].value == f"$(tasks.{helper_name}.results.batches[*])"
    assert [(r.name, r.type) for r in helper.task_spec.results] == [("batches", "array"), ("has-iterations", "string")]
    # a loop without iterations is skipped by `when` (an empty matrix would skip the tasks after it too)
    assert [(w.input, w.operator, w.values) for w in body.when] == [
        (f"$(tasks.{helper_name}.results.has-iterations)", "in", ["true"])]
    (level,) = _spec(helper)["loops"]
    assert level["items"]["producer"] == tasks["records"].name
    assert _spec(body)["inputs"]["parameters"]["x"] == {"loop_item": 0, "path": ["a"]}


def test_loop_over_a_pipeline_param_passes_the_param_to_its_iterations_task():
    _, tasks = _tasks(dynamic_loops)
    helper_name = _spec(tasks["from-param"])["iteration"]["space"]["helper"]
    helper = next(t for t in tasks.values() if t.name == helper_name)
    (param,) = helper.params
    assert param.value == "$(params.ns)"


@dsl.pipeline(name="nested-loops")
def nested_loops():
    with dsl.ParallelFor([[1, 2], [3]]) as row:
        with dsl.ParallelFor(row) as x:
            square(x=x).set_display_name("cell")


def test_nested_constant_loops_enumerate_every_cell():
    _, tasks = _tasks(nested_loops)
    space = _spec(tasks["cell"])["iteration"]["space"]
    assert [it["coord"] for it in space["iterations"]] == [[0, 0], [0, 1], [1, 0]]
    assert [it["items"][1] for it in space["iterations"]] == [1, 2, 3]


def test_more_iterations_than_the_matrix_cap_are_batched():
    @dsl.pipeline(name="wide")
    def wide():
        with dsl.ParallelFor(list(range(600))) as i:
            square(x=i).set_display_name("sq")

    _, tasks = _tasks(wide)
    assert len(tasks["sq"].matrix.params[0].value) == 256


@dsl.pipeline(name="branches-one-of")
def branches_one_of() -> int:
    w = word().set_display_name("word")
    with dsl.If(w.output == "heads"):
        a = square(x=2).set_display_name("a")
    with dsl.Else():
        b = square(x=3).set_display_name("b")
    return add(a=dsl.OneOf(a.output, b.output), b=1).set_display_name("use").output


def test_one_of_reads_whichever_branch_ran_without_result_references():
    _, tasks = _tasks(branches_one_of)
    use = tasks["use"]
    assert use.params == [] and use.when == []
    options = _spec(use)["inputs"]["parameters"]["a"]["one_of"]
    assert [o["producer"] for o in options] == [tasks["a"].name, tasks["b"].name]
    assert all(o["optional"] for o in options)
    assert {tasks["a"].name, tasks["b"].name} <= set(use.run_after)


def test_collected_pipeline_output_is_gathered_by_a_pipeline_outputs_task():
    @dsl.pipeline(name="collect-out")
    def collect_out() -> List[int]:
        with dsl.ParallelFor([1, 2]) as i:
            s = square(x=i)
        return dsl.Collected(s.output)

    run, tasks = _tasks(collect_out)
    (result,) = run.spec.pipeline_spec.results
    assert result.value == "$(tasks.pipeline-outputs.results.Output)"
    gather = tasks["pipeline outputs"]
    assert _spec(gather)["parameters"]["Output"]["collect"]["levels"] == 1


@pytest.mark.parametrize("func", [static_loop, dynamic_loops, nested_loops, branches_one_of])
def test_loops_pass_tektons_validation(func, tmp_path):
    out = tmp_path / "p.yaml"
    Compiler().compile(func, str(out))
    assert_valid(out.read_text())
