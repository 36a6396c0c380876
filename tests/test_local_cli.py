"""`tekflow run` on Tekton YAML, as a real process: outputs and exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "pipelineruns"


def _tekflow_run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tekflow.cli.main", "run", "--no-tracking", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_json_output_is_one_object_with_typed_outputs(tmp_path):
    proc = _tekflow_run(HERE / "params_results.yaml", "-p", "greeting=hey", "-p", 'words=["p","q"]',
                        "--run-dir", tmp_path / "run", "--output", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # the whole of stdout is one JSON object
    assert data["status"] == "Succeeded"
    assert data["tasks"]["produce"]["status"] == "Succeeded"
    assert isinstance(data["tasks"]["produce"]["duration_s"], float)
    assert data["outputs"]["joined"] == "hey p q!"
    assert data["outputs"]["all-items"] == ["p", "gamma"]
    assert "error" not in proc.stderr  # progress goes to stderr, the report alone to stdout


def test_text_output_reports_progress_and_a_summary_and_fails_with_1(tmp_path):
    proc = _tekflow_run(HERE / "when_finally.yaml", "--run-dir", tmp_path / "run", "--max-parallel", "2")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert "task check started" in lines
    assert any(line.startswith("task check succeeded (") for line in lines)
    assert any(line.startswith("task fast-path failed") for line in lines)
    assert "report (finally)" in proc.stderr and "Failed" in proc.stderr  # the summary table


def test_the_default_run_dir_is_under_the_working_directory(tmp_path):
    proc = _tekflow_run(HERE / "params_results.yaml", "--output", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["run_dir"] == str(tmp_path / "tekflow-runs" / "params-results")


@pytest.mark.parametrize("args, message", [
    (["missing.yaml"], "missing.yaml: no such file"),
    ([HERE / "params_results.yaml", "-p", "nope=1"], "unknown parameter 'nope'"),
    ([HERE / "params_results.yaml", "-p", "greeting"], "expected NAME=VALUE"),
    ([HERE / "params_results.yaml", "--timeout", "soon"], "not a duration"),
    ([Path(__file__)], "no @dsl.pipeline found in this file"),
    ([HERE / "params_results.yaml", "--max-parallel", "0"], "--max-parallel"),
    ([HERE / "params_results.yaml", "--output", "xml"], "'xml' is not one of"),
    ([], "Missing argument 'SOURCE'"),
    ([HERE / "params_results.yaml", "--pipeline", "x"], "leave --pipeline out"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    proc = _tekflow_run(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stdout == ""
