"""The pipeline corpus (tests/corpus, samples): compile, Tekton's validation, determinism,
structure per feature, and a local run with the expected outputs."""

from pathlib import Path

import pytest
import yaml

from corpus_support import ROOT, cases, check_run, load_module, manifest, source_of, with_fresh_directory
from tekflow import local
from tekflow.compiler import Compiler, tekton
from tekton_validation import validate_files

CORPUS = sorted((ROOT / "tests" / "corpus").glob("[pc][0-9]*.py")) + sorted((ROOT / "samples").glob("*.py"))
IDS = [p.stem for p in CORPUS]


@pytest.fixture(scope="session")
def compiled(tmp_path_factory):
    """Every corpus pipeline compiled once (with its ARGUMENTS) and judged by Tekton in one call."""
    out_dir = tmp_path_factory.mktemp("compiled")
    paths, modules = {}, {}
    for path in CORPUS:
        module = load_module(path)
        target = out_dir / f"{path.stem}.yaml"
        args = with_fresh_directory(module, cases(module)[0].arguments, tmp_path_factory.mktemp("fresh"))
        Compiler().compile(source_of(path, module), str(target), pipeline_parameters=args or None)
        paths[path.stem], modules[path.stem] = target, module
    report = validate_files(list(paths.values()))
    return paths, modules, {Path(d.file).stem: d for d in report.documents}


def _run(compiled_paths, stem):
    return tekton.document_from_data(yaml.safe_load(compiled_paths[stem].read_text()))


def test_corpus_is_large_enough():
    assert len([p for p in CORPUS if p.stem.startswith("p")]) >= 15  # the core lowering
    assert len([p for p in CORPUS if p.stem.startswith("c")]) >= 40  # control flow


@pytest.mark.parametrize("stem", IDS)
def test_tekton_accepts_every_compiled_pipeline(compiled, stem):
    _, _, verdicts = compiled
    assert verdicts[stem].ok, verdicts[stem].errors


@pytest.mark.parametrize("stem", IDS)
def test_compiling_twice_gives_identical_bytes(compiled, stem, tmp_path):
    paths, modules, _ = compiled
    path = next(p for p in CORPUS if p.stem == stem)
    again = tmp_path / "again.yaml"
    args = cases(modules[stem])[0].arguments
    fresh = getattr(modules[stem], "FRESH_DIRECTORY_PARAM", None)
    if fresh:  # the same directory as the first compile
        args = {**args, fresh: next(p["value"] for p in yaml.safe_load(paths[stem].read_text())["spec"]["params"]
                                    if p["name"] == fresh)}
    Compiler().compile(source_of(path, modules[stem]), str(again), pipeline_parameters=args or None)
    assert again.read_bytes() == paths[stem].read_bytes()


@pytest.mark.parametrize("stem", IDS)
def test_runs_locally_with_the_expected_outputs(compiled, stem, tmp_path):
    paths, modules, _ = compiled
    module = modules[stem]
    path = next(p for p in CORPUS if p.stem == stem)
    for index, case in enumerate(cases(module)):
        arguments = with_fresh_directory(module, case.arguments, tmp_path / str(index))
        result = local.run(source_of(path, module), arguments or None, run_dir=tmp_path / str(index) / "run")
        check_run(case, result)


CONTROL = sorted((ROOT / "tests" / "control").glob("c[0-9]*.py"))


@pytest.mark.parametrize("path", CONTROL, ids=[p.stem for p in CONTROL])
def test_second_control_flow_corpus_runs_locally(path, tmp_path):
    """tests/control (compiled and validated by test_compile_control.py), run with every variant."""
    module = load_module(path)
    for index, case in enumerate(cases(module)):
        arguments = with_fresh_directory(module, case.arguments, tmp_path / str(index))
        result = local.run(source_of(path, module), arguments or None, run_dir=tmp_path / str(index) / "run")
        check_run(case, result)


def test_names_are_dns_labels_unique_and_display_names_kept(compiled):
    run = _run(compiled[0], "p08_display_names")
    names = [t.name for t in run.spec.pipeline_spec.tasks]
    assert len(set(names)) == len(names) and all(len(n) <= 63 for n in names)
    assert {t.display_name for t in run.spec.pipeline_spec.tasks} == {"Long one", "Upper", "lower"}
    assert run.metadata.generate_name == "display-names-long-ones-"


def test_resources_only_on_the_main_step(compiled):
    run = _run(compiled[0], "p06_resources")
    expected = compiled[1]["p06_resources"].RESOURCES
    for task in run.spec.pipeline_spec.tasks:
        steps = {s.name: s for s in task.task_spec.steps}
        assert steps["prepare"].compute_resources is None and steps["publish"].compute_resources is None
        resources = steps["main"].compute_resources
        assert {"requests": resources.requests, "limits": resources.limits} == \
               {"requests": expected[task.name].get("requests", {}), "limits": expected[task.name].get("limits", {})}


def test_retries_on_the_pipeline_task_and_ordering_by_after(compiled):
    run = _run(compiled[0], "p07_retries_caching")
    tasks = {t.name: t for t in run.spec.pipeline_spec.tasks}
    assert tasks["flaky"].retries == 2 and tasks["read-env"].retries is None
    assert tasks["read-env"].run_after == ["flaky"]
    env = {e.name: e.value for s in tasks["read-env"].task_spec.steps if s.name == "main" for e in s.env}
    assert env == {"GREETING": "hello", "TARGET": "env"}


def test_retried_task_succeeds_on_its_second_attempt(tmp_path):
    path = ROOT / "tests" / "corpus" / "p07_retries_caching.py"
    result = local.run(path, {"marker_dir": str(tmp_path / "marker")}, run_dir=tmp_path / "run")
    assert result.tasks["flaky"].retries == 1 and result.tasks["flaky"].status == "Succeeded"


def test_artifact_only_and_after_dependencies_become_run_after(compiled):
    run = _run(compiled[0], "p09_after")
    tasks = {t.name: t for t in run.spec.pipeline_spec.tasks}
    assert tasks["write"].run_after == ["stamp"]
    assert tasks["read"].run_after == ["write"]  # an artifact only: no result reference orders it


def test_failed_run_keeps_the_other_tasks_outputs(compiled, tmp_path):
    result = local.run(compiled[0]["p18_failure"], run_dir=tmp_path / "run")
    assert result.status == "Failed"
    assert manifest(result, "ok")["parameters"] == {"Output": 2}
    assert "bad input 1" in result.log("fails")


def test_ir_file_and_python_file_compile_to_the_same_pipelinerun(tmp_path):
    from kfp import compiler as kfp_compiler

    path = ROOT / "tests" / "corpus" / "p01_param_types.py"
    module = load_module(path)
    ir = tmp_path / "ir.yaml"
    kfp_compiler.Compiler().compile(module.param_types, str(ir))
    from_py, from_ir = tmp_path / "py.yaml", tmp_path / "from-ir.yaml"
    Compiler().compile(str(path), str(from_py))
    Compiler().compile(str(ir), str(from_ir))
    assert from_py.read_bytes() == from_ir.read_bytes()
