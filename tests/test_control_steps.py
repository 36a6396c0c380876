"""Control flow through the real launcher: conditions evaluated by prepare, loops in batches,
dynamic and nested iterations, Collected parameters and artifacts, exit handlers seeing FAILED.

Steps run as real processes through tests/runtime_harness.py; tekflow.local runs the full corpus.
"""

from typing import List

from runtime_harness import run_pipelinerun
from tekflow import dsl
from tekflow.compiler import Compiler
from tekflow.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def numbers(n: int) -> List[int]:
    return list(range(n))


@dsl.component(base_image="python:3.11")
def double(x: int) -> int:
    return 2 * x


@dsl.component(base_image="python:3.11")
def write(x: int, d: Output[Dataset]):
    with open(d.path, "w") as f:
        f.write(str(x))


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.component(base_image="python:3.11")
def concat(ds: Input[List[Dataset]]) -> str:
    return ",".join(open(d.path).read() for d in ds)


@dsl.component(base_image="python:3.11")
def boom(x: int) -> int:
    raise RuntimeError(f"boom {x}")


@dsl.component(base_image="python:3.11")
def status(s: dsl.PipelineTaskFinalStatus) -> str:
    return s.state


@dsl.pipeline(name="loop-cond")
def loop_cond(n: int = 5, limit: int = 2) -> int:
    nums = numbers(n=n)
    with dsl.ParallelFor(nums.output, parallelism=2) as x:
        with dsl.If(x > limit):
            d = double(x=x)
    return total(xs=dsl.Collected(d.output)).output


@dsl.pipeline(name="nested-dynamic")
def nested_dynamic() -> str:
    with dsl.ParallelFor([2, 3]) as n:
        nums = numbers(n=n)
        with dsl.ParallelFor(nums.output) as x:
            w = write(x=x)
    return concat(ds=dsl.Collected(w.outputs["d"])).output


@dsl.pipeline(name="exit-fail")
def exit_fail():
    s = status()
    with dsl.ExitHandler(s):
        boom(x=1)


def _run(func, tmp_path, **params):
    run = Compiler().compile_to_pipelinerun(func, pipeline_parameters=params or None)
    return run_pipelinerun(run, tmp_path)


def test_condition_on_the_loop_item_and_fan_in_of_the_iterations_that_ran(tmp_path):
    out = _run(loop_cond, tmp_path)
    assert out.outputs["Output"] == str(2 * (3 + 4))
    skipped = [out.manifest("double", str(i)).get("skipped", False) for i in range(5)]
    assert skipped == [True, True, True, False, False]


def test_parallelism_is_the_number_of_batches(tmp_path):
    out = _run(loop_cond, tmp_path, n=7, limit=0)
    assert out.outputs["Output"] == str(2 * sum(range(1, 7)))
    assert len(list(tmp_path.glob("double-*"))) == 2  # two matrix children, each running a batch


def test_nested_loop_over_per_iteration_outputs_collects_artifacts(tmp_path):
    out = _run(nested_dynamic, tmp_path)
    assert out.outputs["Output"] == "0,1,0,1,2"
    assert out.manifest("write", "1.2")["artifacts"]["d"][0]["uri"].endswith("/write/1.2/d")


def test_exit_handler_sees_the_failure(tmp_path):
    out = _run(exit_fail, tmp_path)
    assert out.status == {"boom": "Failed", "status": "Succeeded"}
    assert out.manifest("status")["parameters"]["Output"] == "FAILED"
    assert out.manifest("boom")["error"] == "the main step exited with code 1"
