"""The control-flow corpus (tests/control/c*.py): every pipeline compiles, Tekton accepts it (one
`validate_files` call for all), compiling twice gives identical bytes, each module follows the
corpus contract, and cheap structural checks per feature (matrix for loop bodies, `when` or
launcher guards for conditions, `finally` for exit handlers, settings on the main step).

Runs of these pipelines (outputs against EXPECTED / EXPECTED_TASKS) are another test's job.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from kfp.dsl.graph_component import GraphComponent

from tekflow.compiler import Compiler, tekton
from corpus_support import load_module
from tekton_validation import validate_files

CONTROL_DIR = Path(__file__).resolve().parent / "control"
CONTROL = sorted(CONTROL_DIR.glob("c[0-9]*.py"))
IDS = [p.stem for p in CONTROL]

# Pipelines kfp compiles but tekflow does not (yet): stem -> the compiler's error. Each is kept in
# the corpus and its compile-dependent tests are strict xfails until the compiler is fixed.
COMPILE_XFAIL: dict[str, str] = {}

STATUSES = {"Succeeded", "Failed", "Skipped"}


def _marks(stem: str) -> list:
    if stem in COMPILE_XFAIL:
        return [pytest.mark.xfail(strict=True, reason=COMPILE_XFAIL[stem])]
    return []


COMPILED_IDS = [pytest.param(stem, marks=_marks(stem), id=stem) for stem in IDS]


def the_pipeline(module: ModuleType) -> Any:
    """The module's one outermost @dsl.pipeline (pipelines it uses as components are not it)."""
    pipelines = {name: obj for name, obj in vars(module).items() if isinstance(obj, GraphComponent)}
    used = {key for obj in pipelines.values() for key in obj.pipeline_spec.components}
    outermost = [obj for obj in pipelines.values()
                 if f"comp-{obj.pipeline_spec.pipeline_info.name}" not in used]
    assert len(outermost) == 1, f"{module.__name__}: expected one outermost pipeline, got {sorted(pipelines)}"
    return outermost[0]


def variants(module: ModuleType) -> list[tuple[dict, Any, dict]]:
    if hasattr(module, "VARIANTS"):
        return list(module.VARIANTS)
    return [(module.ARGUMENTS, getattr(module, "EXPECTED", None), module.EXPECTED_TASKS)]


@pytest.fixture(scope="session")
def modules() -> dict[str, ModuleType]:
    return {path.stem: load_module(path) for path in CONTROL}


@pytest.fixture(scope="session")
def compiled(modules, tmp_path_factory):
    """Every pipeline compiled once with its ARGUMENTS, and Tekton's verdict on all in one call."""
    out_dir = tmp_path_factory.mktemp("control")
    paths: dict[str, Path] = {}
    errors: dict[str, str] = {}
    for stem, module in modules.items():
        target = out_dir / f"{stem}.yaml"
        try:
            Compiler().compile(the_pipeline(module), str(target),
                               pipeline_parameters=dict(module.ARGUMENTS) or None)
        except Exception as e:  # reported by the per-pipeline test
            errors[stem] = f"{type(e).__name__}: {e}"
            continue
        paths[stem] = target
    verdicts = {}
    if paths:
        report = validate_files(list(paths.values()))
        verdicts = {Path(d.file).stem: d for d in report.documents}
    return paths, errors, verdicts


def _run(compiled, stem: str) -> tekton.PipelineRun:
    import yaml

    paths, errors, _ = compiled
    assert stem not in errors, errors[stem]
    return tekton.document_from_data(yaml.safe_load(paths[stem].read_text()))


def _tasks(run: tekton.PipelineRun) -> dict[str, tekton.PipelineTask]:
    """Tasks and finally tasks by display name."""
    spec = run.spec.pipeline_spec
    return {t.display_name or t.name: t for t in [*spec.tasks, *(spec.finally_ or [])]}


def _launch_spec(task: tekton.PipelineTask) -> dict:
    args = task.task_spec.steps[0].args
    return json.loads(args[args.index("--spec") + 1].replace("$\\u0028", "$("))


def _main(task: tekton.PipelineTask):
    return next(s for s in task.task_spec.steps if s.name == "main")


# --- the corpus itself ---------------------------------------------------------------------------

def test_corpus_is_large_enough():
    assert len(CONTROL) >= 44


@pytest.mark.parametrize("stem", IDS)
def test_module_follows_the_corpus_contract(modules, stem):
    module = modules[stem]
    assert (module.__doc__ or "").strip(), "a module docstring saying what the pipeline proves"
    assert module.EXPECTED_STATUS in ("Succeeded", "Failed")
    assert isinstance(module.ARGUMENTS, dict) and isinstance(module.EXPECTED_TASKS, dict)
    if module.EXPECTED_STATUS == "Succeeded":
        assert isinstance(module.EXPECTED, dict)
    else:
        assert not hasattr(module, "EXPECTED")
    for case in variants(module):
        assert len(case) == 3
        arguments, expected, tasks = case
        assert isinstance(arguments, dict) and isinstance(tasks, dict)
        assert (expected is None) == (module.EXPECTED_STATUS == "Failed")
        for key, want in tasks.items():
            assert want["status"] in STATUSES, (key, want)
            assert set(want) <= {"status", "outputs"}, (key, want)
    if hasattr(module, "VARIANTS"):
        assert module.VARIANTS[0][0] == module.ARGUMENTS  # the compile below uses ARGUMENTS
    the_pipeline(module)


@pytest.mark.parametrize("stem", COMPILED_IDS)
def test_expected_tasks_name_one_task_each(compiled, modules, stem):
    """Each EXPECTED_TASKS key is the display name of exactly one task and no other task's name."""
    run = _run(compiled, stem)
    spec = run.spec.pipeline_spec
    every = [*spec.tasks, *(spec.finally_ or [])]
    for case in variants(modules[stem]):
        for key in case[2]:
            assert [t.display_name for t in every].count(key) == 1, (key, [t.display_name for t in every])
            assert not any(t.name == key and t.display_name != key for t in every), key


# --- compile, validate, determinism --------------------------------------------------------------

@pytest.mark.parametrize("stem", COMPILED_IDS)
def test_compiles(compiled, stem):
    _, errors, _ = compiled
    assert stem not in errors, errors[stem]


@pytest.mark.parametrize("stem", COMPILED_IDS)
def test_tekton_accepts_the_compiled_pipeline(compiled, stem):
    paths, errors, verdicts = compiled
    assert stem not in errors, errors[stem]
    assert verdicts[stem].ok, verdicts[stem].errors


@pytest.mark.parametrize("stem", COMPILED_IDS)
def test_no_task_is_named_like_a_matrix_child(compiled, stem):
    """Tekton names a matrixed task's TaskRuns <run>-<task>-<i>: a task named <task>-<i> would have
    its TaskRun taken by the matrix child (it then never runs; c47 and c51 did before the rename)."""
    spec = _run(compiled, stem).spec.pipeline_spec
    every = [*spec.tasks, *(spec.finally_ or [])]
    for matrixed in (t.name for t in every if t.matrix):
        clashing = [t.name for t in every if re.fullmatch(re.escape(matrixed) + r"-\d+", t.name)]
        assert not clashing, (matrixed, clashing)


@pytest.mark.parametrize("stem", COMPILED_IDS)
def test_compiling_twice_gives_identical_bytes(compiled, modules, stem, tmp_path):
    paths, errors, _ = compiled
    assert stem not in errors, errors[stem]
    module = modules[stem]
    again = tmp_path / "again.yaml"
    Compiler().compile(the_pipeline(module), str(again), pipeline_parameters=dict(module.ARGUMENTS) or None)
    assert again.read_bytes() == paths[stem].read_bytes()


# --- structure per feature -----------------------------------------------------------------------

def test_if_elif_else_on_a_param_is_a_when_chain(compiled):
    tasks = _tasks(_run(compiled, "c01_if_elif_else_str"))
    assert [(w.input, w.operator, w.values) for w in tasks["red-branch"].when] == [("$(params.color)", "in", ["red"])]
    assert [(w.operator, w.values) for w in tasks["green-branch"].when] == [("notin", ["red"]), ("in", ["green"])]
    assert [(w.operator, w.values) for w in tasks["other-branch"].when] == [("notin", ["red"]), ("notin", ["green"])]


def test_ordered_comparisons_are_launcher_guards_and_equality_a_when(compiled):
    tasks = _tasks(_run(compiled, "c02_condition_int_operators"))
    for name, op in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
        assert tasks[name].when == []
        (guard,) = _launch_spec(tasks[name])["guards"]
        assert guard["comparison"]["operator"] == op and guard["comparison"]["right"] == {"literal": 5}
    assert [(w.operator, w.values) for w in tasks["eq"].when] == [("in", ["5"])]
    assert [(w.operator, w.values) for w in tasks["ne"].when] == [("notin", ["5"])]


def test_float_and_loop_item_conditions_are_guards(compiled):
    tasks = _tasks(_run(compiled, "c03_condition_float_param"))
    assert tasks["half"].when == [] and _launch_spec(tasks["half"])["guards"]
    tasks = _tasks(_run(compiled, "c10_condition_in_loop_item"))
    assert tasks["square-big"].when == [] and tasks["square-big"].matrix is not None
    (guard,) = _launch_spec(tasks["square-big"])["guards"]
    assert guard["comparison"]["operator"] == ">"


def test_condition_on_a_task_output_reads_the_producer(compiled):
    tasks = _tasks(_run(compiled, "c05_condition_task_output_str"))
    parity = tasks["parity"].name
    assert [(w.input, w.operator, w.values) for w in tasks["halve"].when] == \
           [(f"$(tasks.{parity}.results.out)", "notin", ["odd"])]
    tasks = _tasks(_run(compiled, "c06_condition_task_output_numbers"))
    (guard,) = _launch_spec(tasks["ratio-ge"])["guards"]
    (entry,) = guard["inputs"].values()
    assert (entry["producer"], entry["type"]) == (tasks["ratio"].name, "NUMBER_DOUBLE")


def test_nested_conditions_carry_every_enclosing_guard(compiled):
    tasks = _tasks(_run(compiled, "c07_nested_conditions"))
    zero = tasks["zero"]
    guards = len(zero.when) + len(_launch_spec(zero).get("guards", []))
    assert guards >= 2  # not (a > 0), and a == 0


def test_tasks_after_conditions_run_after_both_branches_unguarded(compiled):
    tasks = _tasks(_run(compiled, "c09_after_condition"))
    assert tasks["after-big"].when == [] and "guards" not in _launch_spec(tasks["after-big"])
    assert {tasks["big-branch"].name, tasks["small-branch"].name} <= set(tasks["after-big"].run_after)
    assert tasks["go-branch"].name in tasks["after-go"].run_after


def test_one_of_reads_whichever_branch_ran(compiled):
    tasks = _tasks(_run(compiled, "c12_oneof_param"))
    options = _launch_spec(tasks["plus-one"])["inputs"]["parameters"]["x"]["one_of"]
    assert [o["producer"] for o in options] == [tasks[n].name for n in ("small", "medium", "large")]
    tasks = _tasks(_run(compiled, "c13_oneof_artifact"))
    options = _launch_spec(tasks["total"])["inputs"]["artifacts"]["data"]["one_of"]
    assert [o["producer"] for o in options] == [tasks["write-csv"].name, tasks["write-fixed"].name]


@pytest.mark.parametrize("stem, body", [
    ("c14_loop_numbers", "square"), ("c15_loop_strings_container", "shout"), ("c16_loop_dicts", "cost"),
    ("c17_loop_param_ints", "add-one"), ("c19_loop_task_output", "cube"), ("c20_loop_body_chain", "c"),
    ("c21_nested_loops_constant", "pair"), ("c22_nested_loops_dynamic", "mul"),
    ("c27_collected_artifacts", "write-square"), ("c46_settings_in_loop", "env-echo"),
])
def test_loop_bodies_are_matrix_tasks_over_batches(compiled, stem, body):
    task = _tasks(_run(compiled, stem))[body]
    (param,) = task.matrix.params
    assert param.name == "tekflow-batch"
    assert "space" in _launch_spec(task)["iteration"]
    assert task.task_spec.results == []  # per-iteration values live in manifests


def test_constant_loops_enumerate_their_items_and_dynamic_ones_use_an_iterations_task(compiled):
    tasks = _tasks(_run(compiled, "c16_loop_dicts"))
    space = _launch_spec(tasks["cost"])["iteration"]["space"]
    assert [it["items"][0]["product"] for it in space["iterations"]] == ["apple", "bread", "cheese"]
    assert _launch_spec(tasks["cost"])["inputs"]["parameters"]["qty"] == {"loop_item": 0, "path": ["qty"]}
    for stem, body in (("c17_loop_param_ints", "add-one"), ("c19_loop_task_output", "cube")):
        task = _tasks(_run(compiled, stem))[body]
        helper = _launch_spec(task)["iteration"]["space"]["helper"]
        assert task.matrix.params[0].value == f"$(tasks.{helper}.results.batches[*])"


def test_per_iteration_data_flow_reads_the_same_iteration(compiled):
    tasks = _tasks(_run(compiled, "c20_loop_body_chain"))
    x = _launch_spec(tasks["b"])["inputs"]["parameters"]["x"]
    assert x == {"producer": tasks["a"].name, "output": "Output", "depth": 1}


def test_parallelism_and_the_matrix_cap_bound_the_batches(compiled):
    square = _tasks(_run(compiled, "c23_loop_parallelism"))["square"]
    assert square.matrix.params[0].value == ["0", "1"]
    inc = _tasks(_run(compiled, "c24_loop_300"))["inc"]
    assert len(inc.matrix.params[0].value) == 256
    space = _launch_spec(inc)["iteration"]["space"]
    assert len(space["iterations"]) == 300 and space["batches"] == 256


def test_collected_fan_in_reads_every_iteration(compiled):
    tasks = _tasks(_run(compiled, "c14_loop_numbers"))
    collect = _launch_spec(tasks["total"])["inputs"]["parameters"]["xs"]["collect"]
    assert (collect["producer"], collect["levels"]) == (tasks["square"].name, 1)
    tasks = _tasks(_run(compiled, "c28_collected_nested_params"))
    collect = _launch_spec(tasks["grid-sum"])["inputs"]["parameters"]["grid"]["collect"]
    assert collect["levels"] == 2
    tasks = _tasks(_run(compiled, "c27_collected_artifacts"))
    assert "collect" in _launch_spec(tasks["summarize"])["inputs"]["artifacts"]["parts"]


@pytest.mark.parametrize("stem", ["c15_loop_strings_container", "c21_nested_loops_constant",
                                  "c25_loop_empty_param", "c12_oneof_param"])
def test_collected_and_one_of_pipeline_outputs_come_from_the_outputs_task(compiled, stem):
    run = _run(compiled, stem)
    assert "pipeline outputs" in _tasks(run)
    assert any(r.value.startswith("$(tasks.pipeline-outputs.results.") for r in run.spec.pipeline_spec.results)


@pytest.mark.parametrize("stem, handlers, guarded", [
    ("c30_exit_handler_success", ["exit-report"], ["first", "second"]),
    ("c31_exit_handler_failure", ["exit-report"], ["ok", "check", "after-check"]),
    ("c32_exit_handlers_several", ["first-exit", "second-exit"], ["first-work", "second-explode"]),
    ("c33_exit_handlers_three_succeed", ["exit-a", "exit-b", "exit-c"], ["a1", "a2", "b-big", "c1"]),
])
def test_exit_handlers_are_finally_tasks(compiled, stem, handlers, guarded):
    spec = _run(compiled, stem).spec.pipeline_spec
    assert sorted(t.display_name for t in spec.finally_) == sorted(handlers)
    assert set(guarded) <= {t.display_name for t in spec.tasks}
    for task in spec.finally_:
        assert "final_status" in _launch_spec(task)["inputs"]["parameters"]["status"]


def test_several_exit_handlers_each_see_their_own_group(compiled):
    tasks = _tasks(_run(compiled, "c32_exit_handlers_several"))
    first = _launch_spec(tasks["first-exit"])["inputs"]["parameters"]["status"]["final_status"]["tasks"]
    second = _launch_spec(tasks["second-exit"])["inputs"]["parameters"]["status"]["final_status"]["tasks"]
    assert set(first) == {tasks["first-work"].name} and set(second) == {tasks["second-explode"].name}


@pytest.mark.parametrize("stem", ["c34_ignore_upstream_failure", "c35_ignore_upstream_success"])
def test_ignore_upstream_failure_is_a_finally_task_reading_the_manifest(compiled, stem):
    spec = _run(compiled, stem).spec.pipeline_spec
    (tolerant,) = [t for t in spec.finally_ if t.display_name == "tolerant-consumer"]
    assert tolerant.params == []
    assert _launch_spec(tolerant)["inputs"]["parameters"]["x"]["optional"] is True


def test_pipeline_components_are_flattened(compiled):
    run = _run(compiled, "c36_pipeline_as_component")
    names = [t.display_name for t in run.spec.pipeline_spec.tasks]
    assert names.count("scale") == 2 and names.count("shift") == 2 and "affine-once" not in names
    tasks = _tasks(_run(compiled, "c37_nested_pipelines_two_deep"))
    assert sum(1 for t in _run(compiled, "c37_nested_pipelines_two_deep").spec.pipeline_spec.tasks
               if t.display_name == "inner-add") == 2
    assert "outer-add" in tasks


def test_after_across_groups_becomes_run_after(compiled):
    tasks = _tasks(_run(compiled, "c40_after_across_groups"))
    assert tasks["start"].name in tasks["loop-one"].run_after
    assert tasks["loop-one"].name in tasks["after-loop"].run_after
    assert tasks["after-loop"].name in tasks["loop-two"].run_after
    assert tasks["start"].name in tasks["if-branch"].run_after
    assert {tasks["if-branch"].name, tasks["else-branch"].name, tasks["loop-two"].name} <= set(tasks["end"].run_after)


def test_importers_are_no_tasks_and_consumers_read_the_uri(compiled):
    run = _run(compiled, "c42_importer_constant")
    (summarize,) = run.spec.pipeline_spec.tasks
    (entry,) = _launch_spec(summarize)["inputs"]["artifacts"].values()
    assert entry["uri"].endswith("/tests/control/data/values.csv") and entry["metadata"]["source"] == "constant"
    tasks = _tasks(_run(compiled, "c43_importer_task_output"))
    (entry,) = _launch_spec(tasks["count-words"])["inputs"]["artifacts"].values()
    assert entry["uri_from"]["producer"] == tasks["locate"].name
    tasks = _tasks(_run(compiled, "c44_importer_param"))
    (entry,) = _launch_spec(tasks["describe"])["inputs"]["artifacts"].values()
    assert "param" in entry["uri_from"] and entry["metadata"] == {"owner": "param"}


def test_settings_inside_conditions_reach_the_task(compiled):
    tasks = _tasks(_run(compiled, "c45_settings_in_condition"))
    for name, mode, cpu, memory, retries in (("fast-mode", "fast", "2", "1Gi", 3), ("slow-mode", "slow", "500m", "256Mi", 1)):
        task = tasks[name]
        main = _main(task)
        assert {e.name: e.value for e in main.env} == {"MODE": mode}
        assert main.compute_resources.limits == {"cpu": cpu, "memory": memory}
        assert task.retries == retries
        assert _launch_spec(task)["caching"] is False
        assert task.when  # still guarded


def test_settings_inside_loops_reach_the_task(compiled):
    tasks = _tasks(_run(compiled, "c46_settings_in_loop"))
    tagged, echo, odd = tasks["tagged"], tasks["env-echo"], tasks["odd-tagged"]
    assert {e.name: e.value for e in _main(tagged).env} == {"PREFIX": "item-"}
    assert _main(tagged).compute_resources.limits == {"cpu": "1", "memory": "512Mi"}
    assert tagged.retries == 2 and _launch_spec(tagged)["caching"] is False
    assert {e.name: e.value for e in _main(echo).env} == {"GREETING": "hi"}
    assert {e.name: e.value for e in _main(odd).env} == {"PREFIX": "odd-"} and odd.retries == 1
    assert _launch_spec(odd)["guards"] and odd.matrix is not None
    assert tagged.matrix.params[0].value == ["0", "1"]  # parallelism=2


def test_settings_in_a_pipeline_component_inside_a_condition(compiled):
    tasks = _tasks(_run(compiled, "c47_settings_in_nested_groups"))
    line = tasks["env-line"]
    assert {e.name: e.value for e in _main(line).env} == {"COLOR": "green", "SIZE": "xl"}
    assert line.when and _launch_spec(line)["caching"] is False
    value = tasks["env-value"]
    assert value.matrix is not None and _launch_spec(value)["guards"] and value.retries == 2


def test_exit_handler_around_a_loop_sees_the_loop_task(compiled):
    tasks = _tasks(_run(compiled, "c48_exit_handler_loop_failure"))
    watched = _launch_spec(tasks["exit-report"])["inputs"]["parameters"]["status"]["final_status"]["tasks"]
    assert {tasks["check"].name, tasks["after-loop"].name} <= set(watched)


def test_one_of_inside_a_loop_reads_the_same_iteration(compiled):
    tasks = _tasks(_run(compiled, "c50_oneof_in_loop"))
    options = _launch_spec(tasks["arrow"])["inputs"]["parameters"]["y"]["one_of"]
    assert [(o["producer"], o.get("depth")) for o in options] == \
           [(tasks["halve"].name, 1), (tasks["triple-plus-one"].name, 1)]
