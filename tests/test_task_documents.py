"""--task-documents: every task's spec as a Task document named by taskRef. Tekton accepts
every document for the whole corpus, and the runs give the same outputs as embedded specs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus_support import ROOT, cases, check_run, load_module, source_of, with_fresh_directory
from tekflow import local
from tekflow.compiler import Compiler, tekton
from tekflow.compiler.emit import to_yaml_documents
from tekton_validation import validate_files

CORPUS = sorted((ROOT / "tests" / "corpus").glob("[pc][0-9]*.py")) + sorted((ROOT / "tests" / "control").glob(
    "c[0-9]*.py")) + sorted((ROOT / "samples").glob("*.py"))


def test_tekton_accepts_the_tasks_and_runs_of_the_whole_corpus(tmp_path):
    files = []
    for path in CORPUS:
        module = load_module(path)
        documents = Compiler().compile_to_documents(source_of(path, module), task_documents=True)
        (run,) = [d for d in documents if isinstance(d, tekton.PipelineRun)]
        tasks = documents[:documents.index(run)]  # created first: the run names them
        assert tasks and all(isinstance(t, tekton.Task) for t in tasks)
        pipeline = run.spec.pipeline_spec
        assert all(t.task_spec is None and t.task_ref.name in {d.metadata.name for d in tasks}
                   for t in [*pipeline.tasks, *pipeline.finally_])
        files.append(tmp_path / f"{path.parent.name}-{path.stem}.yaml")
        files[-1].write_text(to_yaml_documents(documents))
    report = validate_files(files)
    assert report.ok, report.errors_text
    assert {d.kind for d in report.documents} >= {"Task", "PipelineRun"}


@pytest.mark.parametrize("path", [ROOT / "samples" / "quickstart.py", ROOT / "tests" / "control" / "c51_loop_in_condition.py",
                                  ROOT / "tests" / "control" / "c31_exit_handler_failure.py",
                                  ROOT / "tests" / "control" / "c52_retry_in_loop_batch.py"],
                         ids=lambda p: p.stem)
def test_runs_with_task_documents_give_the_expected_outputs(path, tmp_path):
    module = load_module(path)
    case = cases(module)[0]
    arguments = with_fresh_directory(module, case.arguments, tmp_path)
    documents = Compiler().compile_to_documents(source_of(path, module), arguments or None, task_documents=True)
    source = tmp_path / "run.yaml"
    source.write_text(to_yaml_documents(documents))
    check_run(case, local.run(source, run_dir=tmp_path / "run"))


def test_task_names_are_stable_and_change_with_the_spec():
    first = Compiler().compile_to_documents(ROOT / "samples" / "quickstart.py", task_documents=True)
    again = Compiler().compile_to_documents(ROOT / "samples" / "quickstart.py", task_documents=True)
    other = Compiler().compile_to_documents(ROOT / "samples" / "quickstart.py", task_documents=True,
                                            launcher_image="registry.example/tekflow-launcher:2")
    names = [d.metadata.name for d in first if isinstance(d, tekton.Task)]
    assert names == [d.metadata.name for d in again if isinstance(d, tekton.Task)]
    assert not set(names) & {d.metadata.name for d in other if isinstance(d, tekton.Task)}
    assert all(len(n) <= 63 for n in names)


def test_cli_writes_tasks_apart_for_kubectl_apply(tmp_path):
    cli = [sys.executable, "-m", "tekflow.cli.main", "compile", str(ROOT / "samples" / "quickstart.py")]
    proc = subprocess.run([*cli, "--task-documents", "--tasks-output", str(tmp_path / "tasks.yaml"),
                           "-o", str(tmp_path / "run.yaml")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = validate_files([tmp_path / "tasks.yaml", tmp_path / "run.yaml"])
    assert report.ok, report.errors_text
    kinds = {Path(d.file).name: set() for d in report.documents}
    for d in report.documents:
        kinds[Path(d.file).name].add(d.kind)
    assert kinds == {"tasks.yaml": {"Task"}, "run.yaml": {"PipelineRun"}}
    run = [sys.executable, "-m", "tekflow.cli.main", "run", str(tmp_path / "run.yaml"), "--no-tracking",
           "--output", "json"]
    proc = subprocess.run([*run, "--tasks", str(tmp_path / "tasks.yaml"), "--run-dir", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["outputs"] == {"Output": 0.0517}
    proc = subprocess.run(run, capture_output=True, text=True, timeout=300)  # without the Tasks
    assert proc.returncode == 2 and "names no Task in the file or the --tasks files" in proc.stderr
    proc = subprocess.run([*cli, "--tasks-output", str(tmp_path / "t.yaml")], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2 and proc.stderr.strip() == "error: --tasks-output needs --task-documents"
