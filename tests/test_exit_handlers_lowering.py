"""dsl.ExitHandler and .ignore_upstream_failure() -> Tekton finally tasks (compile level)."""

import json

from tekflow import dsl
from tekflow.compiler import Compiler
from tekton_validation import assert_valid


@dsl.component(base_image="python:3.11")
def work(x: int) -> int:
    return x


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus, v: int = 0) -> str:
    return status.state


@dsl.component(base_image="python:3.11")
def cleanup(v: int = 0) -> int:
    return v


@dsl.pipeline(name="exits")
def exits(x: int = 1):
    handler = report(v=1).set_display_name("exit")
    with dsl.ExitHandler(handler):
        first = work(x=x).set_display_name("first")
        work(x=first.output).set_display_name("second")
    third = work(x=x).set_display_name("third")
    cleanup(v=third.output).set_display_name("cleanup").ignore_upstream_failure()


def _spec(step_args):
    return json.loads(step_args[step_args.index("--spec") + 1].replace("$\\u0028", "$("))


def test_exit_task_is_a_finally_task_seeing_each_guarded_task_status():
    run = Compiler().compile_to_pipelinerun(exits)
    finally_tasks = {t.display_name: t for t in run.spec.pipeline_spec.finally_}
    tasks = {t.display_name: t for t in run.spec.pipeline_spec.tasks}
    assert set(finally_tasks) == {"exit", "cleanup"}
    assert set(tasks) == {"first", "second", "third"}
    exit_task = finally_tasks["exit"]
    assert exit_task.run_after == []
    statuses = {p.value for p in exit_task.params}
    assert statuses == {f"$(tasks.{tasks['first'].name}.status)", f"$(tasks.{tasks['second'].name}.status)"}
    spec = _spec(exit_task.task_spec.steps[0].args)
    assert set(spec["inputs"]["parameters"]["status"]["final_status"]["tasks"]) == {tasks["first"].name, tasks["second"].name}


def test_ignore_upstream_failure_reads_the_producer_without_a_result_reference():
    run = Compiler().compile_to_pipelinerun(exits)
    cleanup_task = next(t for t in run.spec.pipeline_spec.finally_ if t.display_name == "cleanup")
    third = next(t for t in run.spec.pipeline_spec.tasks if t.display_name == "third")
    assert cleanup_task.params == []  # a result reference would skip it when the producer failed
    spec = _spec(cleanup_task.task_spec.steps[0].args)
    assert spec["inputs"]["parameters"]["v"] == {"producer": third.name, "output": "Output", "optional": True}


def test_exit_handlers_pass_tektons_validation(tmp_path):
    out = tmp_path / "exits.yaml"
    Compiler().compile(exits, str(out))
    assert_valid(out.read_text())
