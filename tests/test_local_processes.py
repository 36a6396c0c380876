"""Concurrency and cancellation: independent tasks run at once up to max_parallel; cancel() and
Ctrl-C kill running steps, skip what has not started, run finally and record Cancelled."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from tekflow import local
from tekflow.compiler import tekton
from tekflow.local import executor as executor_module
from tekflow.local import skipping


def _doc(text):
    return tekton.document_from_data(yaml.safe_load(text))


PARALLEL = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: parallel}
spec:
  pipelineSpec:
    tasks:
""" + "".join(f"""      - name: t{i}
        taskSpec:
          steps:
            - {{name: s, image: busybox, script: "sleep 0.4"}}
""" for i in range(4))


def test_independent_tasks_run_concurrently_up_to_max_parallel(tmp_path):
    result = local.run(_doc(PARALLEL), run_dir=tmp_path / "run", max_parallel=4)
    spans = [(r.started, r.finished) for r in result.tasks.values()]
    assert max(s for s, _ in spans) < min(f for _, f in spans)  # all four ran at the same time
    serial = local.run(_doc(PARALLEL), run_dir=tmp_path / "serial", max_parallel=1)
    spans = sorted((r.started, r.finished) for r in serial.tasks.values())
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # one after another


CANCEL = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: cancel}
spec:
  pipelineSpec:
    tasks:
      - name: long
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "echo started; sleep 60 & wait"}
      - name: later
        runAfter: [long]
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "echo later"}
    finally:
      - name: always
        params: [{name: status, value: "$(tasks.status) $(tasks.long.status)/$(tasks.long.reason)"}]
        taskSpec:
          params: [{name: status}]
          results: [{name: seen}]
          steps:
            - {name: s, image: busybox, script: 'printf "%s" "$(params.status)" > $(results.seen.path)'}
    results:
      - {name: seen, value: $(finally.always.results.seen)}
"""


def test_cancel_kills_running_steps_runs_finally_and_records_it(tmp_path, monkeypatch):
    executions = []

    class Recording(executor_module.Execution):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            executions.append(self)

    def cancel_when_long_runs(event):
        if event["type"] == "task_started" and event["task"] == "long":
            threading.Timer(0.3, executions[0].cancel).start()

    monkeypatch.setattr("tekflow.local.api.Execution", Recording)
    started = time.monotonic()
    result = local.run(_doc(CANCEL), run_dir=tmp_path / "run", on_event=cancel_when_long_runs)
    assert time.monotonic() - started < 10
    assert (result.status, result.reason) == ("Cancelled", "Cancelled")
    assert {n: r.status for n, r in result.tasks.items()} == {"long": "Cancelled", "later": "Skipped",
                                                              "always": "Succeeded"}
    assert result.tasks["later"].skip_reason == skipping.CANCELLED
    assert result.results["seen"] == "Failed Failed/TaskRunCancelled"  # a cancelled TaskRun counts as failed
    assert json.loads((tmp_path / "run" / "status.json").read_text())["status"] == "Cancelled"


def test_ctrl_c_cancels_a_run(tmp_path):
    source = tmp_path / "cancel.yaml"
    source.write_text(CANCEL)
    marker = tmp_path / "run" / "tasks" / "long" / "s.log"
    script = (f"from tekflow import local\n"
              f"try:\n"
              f"    local.run({str(source)!r}, run_dir={str(tmp_path / 'run')!r})\n"
              f"except KeyboardInterrupt as e:\n"
              f"    print(e.result.status, e.result.tasks['always'].status)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not (marker.exists() and "started" in marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert out.split() == ["Cancelled", "Succeeded"]


def test_a_second_cancel_stops_the_finally_tasks_too(tmp_path, monkeypatch):
    doc = CANCEL.replace("script: 'printf \"%s\" \"$(params.status)\" > $(results.seen.path)'",
                         "script: 'echo finally-started; sleep 60 & wait'")
    executions = []

    class Recording(executor_module.Execution):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            executions.append(self)

    def cancel_each_phase(event):
        if event["type"] == "task_started":
            threading.Timer(0.3, executions[0].cancel).start()

    monkeypatch.setattr("tekflow.local.api.Execution", Recording)
    started = time.monotonic()
    result = local.run(_doc(doc), run_dir=tmp_path / "run", on_event=cancel_each_phase)
    assert time.monotonic() - started < 10
    assert result.status == "Cancelled"
    assert (result.tasks["always"].status, result.tasks["always"].reason) == ("Cancelled", "TaskRunCancelled")
