"""`tekflow run` as CI uses it: the console script, --output json, exit codes, errors."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEKFLOW = [sys.executable, "-m", "tekflow.cli.main"]


def _tekflow(*args, cwd=None):
    # a fresh working directory: runs track by default, into ./mlflow.db
    cwd = cwd or tempfile.mkdtemp(prefix="tekflow-cli-")
    return subprocess.run([*TEKFLOW, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_quickstart_runs_and_reports_json(tmp_path):
    proc = _tekflow("run", str(ROOT / "samples" / "quickstart.py"), "--output", "json", "--run-dir",
                    str(tmp_path / "run"))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "Succeeded"
    assert report["outputs"] == {"Output": 0.0517}  # typed as the pipeline declares (a float)
    assert set(report["tasks"]) == {"make-dataset", "train", "evaluate"}
    assert all(t["status"] == "Succeeded" and t["duration_s"] > 0 for t in report["tasks"].values())
    assert (tmp_path / "run" / "status.json").exists()


def test_parameters_are_typed_and_change_the_result(tmp_path):
    proc = _tekflow("run", str(ROOT / "samples" / "quickstart.py"), "-p", "noise=0", "--output", "json",
                    "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["outputs"]["Output"] == 0.0


FAILING = '''
from tekflow import dsl

@dsl.component(base_image="python:3.11")
def fails() -> int:
    raise SystemExit(7)

@dsl.pipeline(name="failing")
def failing():
    fails()
'''


def test_a_failed_run_exits_1_with_a_summary(tmp_path):
    source = tmp_path / "failing.py"
    source.write_text(FAILING)
    proc = _tekflow("run", str(source), "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == 1
    assert "Failed" in proc.stderr and "Traceback" not in proc.stderr.split("--- ")[0]
    json_proc = _tekflow("run", str(source), "--output", "json", "--run-dir", str(tmp_path / "run2"))
    assert json_proc.returncode == 1
    assert json.loads(json_proc.stdout)["tasks"]["fails"]["status"] == "Failed"


@pytest.mark.parametrize("args, message", [
    (["run", "missing.py"], "no such file"),
    (["run", "{quickstart}", "-p", "nope=1"], "unknown parameter 'nope'"),
    (["run", "{quickstart}", "-p", "points=many"], "parameter 'points' expects an integer"),
    (["run", "{quickstart}", "--max-parallel", "0"], "Invalid value for '--max-parallel'"),
])
def test_usage_errors_exit_2_with_one_message(tmp_path, args, message):
    args = [a.format(quickstart=ROOT / "samples" / "quickstart.py") for a in args]
    proc = _tekflow(*args, "--run-dir", str(tmp_path / "run"), cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_tekton_yaml_with_params(tmp_path):
    proc = _tekflow("run", str(ROOT / "tests" / "pipelineruns" / "params_results.yaml"), "-p", "greeting=hey",
                    "-p", 'words=["p","q"]', "--output", "json", "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["outputs"]["joined"] == "hey p q!"


@pytest.mark.parametrize("command", [[], ["compile"], ["run"]])
def test_every_command_has_help(command):
    proc = _tekflow(*command, "--help")
    assert proc.returncode == 0 and "Usage:" in proc.stdout


FAILING_OUTPUT = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def boom(x: int) -> int:
    raise RuntimeError("boom")


@dsl.pipeline(name="failing-output")
def failing_output() -> int:
    return boom(x=1).output
'''


def test_a_pipeline_output_from_a_failed_task_is_absent_and_the_run_fails(tmp_path):
    source = tmp_path / "failing.py"
    source.write_text(FAILING_OUTPUT)
    proc = _tekflow("run", str(source), "--output", "json", "--no-tracking", "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "Failed" and report["outputs"] == {}
    assert report["tasks"]["boom"]["status"] == "Failed"


ORDERED_CONDITION = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def ident(x: int) -> int:
    return x


@dsl.pipeline(name="ordered")
def ordered(n: int = 1):
    with dsl.If(n > 2):  # evaluated by the task's launcher: Tekton sees the TaskRun succeed
        ident(x=n)
'''


def test_status_json_agrees_with_the_report_on_condition_skips(tmp_path):
    source = tmp_path / "ordered.py"
    source.write_text(ORDERED_CONDITION)
    proc = _tekflow("run", str(source), "--output", "json", "--no-tracking", "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["tasks"]["ident"]["status"] == "Skipped"
    status = json.loads((tmp_path / "run" / "status.json").read_text())
    assert status["status"] == "Succeeded" and status["tasks"]["ident"]["status"] == "Skipped"


PACKAGES = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11", packages_to_install=["pyyaml>=5"{extra}])
def needs(x: int) -> int:
    import yaml

    return x + len(yaml.safe_dump([1]).strip())


@dsl.pipeline(name="packages")
def packages() -> int:
    return needs(x=1).output
'''


@pytest.mark.parametrize("extra, code", [("", 0), (', "tekflow-missing-package==9.9"', 1)])
def test_packages_to_install_must_be_here_already_and_a_missing_one_is_named(tmp_path, extra, code):
    source = tmp_path / "packages.py"
    source.write_text(PACKAGES.format(extra=extra))
    proc = _tekflow("run", str(source), "--output", "json", "--no-tracking", "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == code, proc.stderr
    if code == 0:
        assert json.loads(proc.stdout)["outputs"] == {"Output": 4}  # "- 1" is 3 characters
    else:
        assert "packages_to_install 'tekflow-missing-package==9.9' not installed here" in proc.stderr
        assert "'pyyaml" not in proc.stderr  # installed: not named
