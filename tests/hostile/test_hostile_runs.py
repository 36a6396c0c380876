"""Runs as a user starts them from anywhere, fails them and stops them with Ctrl-C.

Relative paths (`--run-dir`, `--tasks`) are resolved before any step runs, and the README's
commands work from any folder; a failing component is reported with its own error, not the
launcher's; Ctrl-C stops a run cleanly and then stops the Python caller too.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_support import TEKFLOW, assert_user_error, tekflow

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "samples" / "quickstart.py"
DEADLINE_S = 120  # generous: only a broken run waits this long


# -- item 3: paths the user gives, from any folder ---------------------------------------------------
def test_the_readme_run_works_from_another_folder_with_a_relative_run_dir(tmp_path):
    proc = tekflow("run", QUICKSTART, "--run-dir", "rel", cwd=tmp_path)  # tracked: mlflow.db here
    assert proc.returncode == 0, proc.stderr[-3000:]
    status = json.loads((tmp_path / "rel" / "status.json").read_text())
    assert status["status"] == "Succeeded" and set(status["tasks"]) == {"make-dataset", "train", "evaluate"}
    assert "tracked in" in proc.stderr and (tmp_path / "mlflow.db").exists()


def test_task_documents_run_with_relative_paths_from_a_subfolder(tmp_path):
    compiled = tekflow("compile", QUICKSTART, "--task-documents", "--tasks-output", "tasks.yaml", "-o", "run.yaml",
                       cwd=tmp_path)
    assert compiled.returncode == 0, compiled.stderr
    (tmp_path / "sub").mkdir()
    proc = tekflow("run", "../run.yaml", "--tasks", "../tasks.yaml", "--run-dir", "../runs/one", "--no-tracking",
                   "--output", "json", cwd=tmp_path / "sub")
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["status"] == "Succeeded" and report["run_dir"] == str(tmp_path / "runs" / "one")


@pytest.mark.parametrize("root", ["file://rel", "file:rel", "file://host/abs"])
def test_a_file_pipeline_root_must_be_an_absolute_path(tmp_path, root):
    proc = tekflow("compile", QUICKSTART, "--pipeline-root", root, "-o", tmp_path / "run.yaml", cwd=tmp_path)
    assert_user_error(proc, repr(root), "absolute path")
    assert not (tmp_path / "run.yaml").exists()


# -- item 13: a failing component is reported with its own error -------------------------------------
FAILING = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def boom(n: int):
    def inner():
        raise ValueError(f"planted failure {n}")
    inner()


@dsl.pipeline(name="fails")
def fails(n: int = 7):
    boom(n=n)
'''


def _assert_reports_main(message: str, log: Path) -> None:
    assert message.startswith("step 'main' exited with code 1"), message
    assert "ValueError: planted failure 7" in message and 'raise ValueError(f"planted failure {n}")' in message
    assert str(log) in message and "publish" not in message


def test_a_failing_component_is_reported_with_its_traceback_and_log(tmp_path):
    source = tmp_path / "fails.py"
    source.write_text(FAILING)
    proc = tekflow("run", source, "--no-tracking", "--run-dir", "text", cwd=tmp_path, env={"COLUMNS": "400"})
    assert proc.returncode == 1, proc.stderr[-3000:]
    log = tmp_path / "text" / "tasks" / "boom" / "main.log"
    assert "ValueError: planted failure 7" in log.read_text()
    status = json.loads((tmp_path / "text" / "status.json").read_text())
    _assert_reports_main(status["tasks"]["boom"]["message"], log)
    summary = proc.stderr[proc.stderr.index("fails-"):]  # the table after the progress lines
    for needle in ("step 'main' exited with code 1", "ValueError: planted failure 7", str(log)):
        assert needle in summary, summary

    proc = tekflow("run", source, "--no-tracking", "--run-dir", "json", "--output", "json", cwd=tmp_path)
    assert proc.returncode == 1
    _assert_reports_main(json.loads(proc.stdout)["tasks"]["boom"]["message"],
                         tmp_path / "json" / "tasks" / "boom" / "main.log")


# -- item 14: Ctrl-C ---------------------------------------------------------------------------------
LONG = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: interrupted}
spec:
  params: [{name: pids, value: PIDS}]
  pipelineSpec:
    params: [{name: pids}]
    tasks:
      - name: long
        params: [{name: pids, value: $(params.pids)}]
        taskSpec:
          params: [{name: pids}]
          steps:
            - {name: s, image: busybox, script: 'sleep 3600 & echo "$$ $!" > "$(params.pids).tmp"; mv "$(params.pids).tmp" "$(params.pids)"; wait'}
    finally:
      - name: always
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "echo finally ran"}
"""

API_CALLER = """
import json, sys
from tekflow import local
try:
    local.run(sys.argv[1], run_dir=sys.argv[2])
except KeyboardInterrupt as interrupt:
    result = interrupt.result
    print(json.dumps({"status": result.status, "tasks": {n: t.status for n, t in result.tasks.items()}}))
    sys.exit(42)
print("returned without KeyboardInterrupt")
"""


def _long_run(tmp_path: Path) -> tuple[Path, Path]:
    pids = tmp_path / "pids"
    source = tmp_path / "long.yaml"
    source.write_text(LONG.replace("PIDS", str(pids)))
    return source, pids


def _interrupt_when_started(proc: subprocess.Popen, pids: Path) -> list[int]:
    """Wait for the long step's shell and its child to exist, then Ctrl-C the process; their pids."""
    deadline = time.monotonic() + DEADLINE_S
    while not pids.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the long step never started"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGINT)
    return [int(p) for p in pids.read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _assert_stopped(pids: list[int]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while any(_alive(p) for p in pids):
        assert time.monotonic() < deadline, f"left running: {[p for p in pids if _alive(p)]}"
        time.sleep(0.05)


def test_ctrl_c_cancels_cleanly_then_raises_keyboard_interrupt_in_python_and_exits_1_in_the_cli(tmp_path):
    source, pids = _long_run(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", API_CALLER, str(source), str(tmp_path / "run")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children = _interrupt_when_started(proc, pids)
    out, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == 42, out + err
    assert json.loads(out) == {"status": "Cancelled", "tasks": {"long": "Cancelled", "always": "Succeeded"}}
    assert json.loads((tmp_path / "run" / "status.json").read_text())["status"] == "Cancelled"
    _assert_stopped(children)

    # the command line keeps its way: cancel, report, exit 1
    pids.unlink()
    proc = subprocess.Popen([TEKFLOW, "run", str(source), "--no-tracking", "--run-dir", str(tmp_path / "cli")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children = _interrupt_when_started(proc, pids)
    out, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == 1, out + err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "interrupted: Cancelled" in err  # the summary's title: the run was reported
    _assert_stopped(children)
