"""Failure paths: failing steps, retries, onError, timeouts, result references that cannot resolve."""

import time
from pathlib import Path

import yaml

from tekflow import local
from tekflow.compiler import tekton
from tekflow.local import skipping

HERE = Path(__file__).parent / "pipelineruns"


def _doc(text):
    return tekton.document_from_data(yaml.safe_load(text))


def test_retries_failing_steps_and_on_error(tmp_path):
    result = local.run(HERE / "failures.yaml", run_dir=tmp_path / "run")
    tasks = result.tasks
    assert tasks["flaky"].status == "Succeeded" and tasks["flaky"].retries == 1
    assert result.results["attempt"] == "1"  # results come from the attempt that succeeded
    assert "attempt 1 of 2" in (result.run_dir / "tasks" / "flaky" / "s.log").read_text()
    hopeless = tasks["hopeless"]
    assert (hopeless.status, hopeless.reason, hopeless.retries) == ("Failed", "StepFailed", 2)
    log = result.log("hopeless")
    assert log.index("try 0") < log.index("try 1") < log.index("try 2")
    # a PipelineTask with onError: continue fails without stopping the run
    assert (tasks["tolerated"].status, tasks["tolerated"].reason) == ("Failed", "FailureIgnored")
    # step onError: continue records the exit code; a failing command of a script stops it (set -e)
    steps = tasks["step-errors"].children[0].steps
    assert steps == {"first": 4, "second": 0, "third": 1}
    assert tasks["step-errors"].status == "Failed"
    assert "not-reached" not in (result.run_dir / "tasks" / "step-errors" / "third.log").read_text()
    assert not (result.run_dir / "tasks" / "step-errors" / "fourth.log").exists()
    assert tasks["not-started"].status == "Skipped" and tasks["not-started"].skip_reason == skipping.STOPPING
    assert result.status == "Failed"
    assert result.results["summary"] == "Failed Failed/StepFailed Failed/FailureIgnored None/ first=4"
    assert "absent" not in result.results  # its task never wrote it


def test_timeouts_kill_steps_skip_the_rest_and_finally_runs(tmp_path):
    started = time.monotonic()
    result = local.run(HERE / "timeouts.yaml", run_dir=tmp_path / "run")
    assert time.monotonic() - started < 15
    tasks = result.tasks
    sleepy = tasks["sleepy"]
    assert (sleepy.status, sleepy.reason, sleepy.retries) == ("Failed", "TaskRunTimeout", 1)
    assert (tasks["long"].status, tasks["long"].reason) == ("Failed", "TaskRunTimeout")
    assert tasks["after-long"].status == "Skipped"
    assert result.results["seen"] == "Failed/TaskRunTimeout TaskRunTimeout"
    cleanup = tasks["slow-cleanup"]
    assert (cleanup.status, cleanup.reason) == ("Failed", "TaskRunTimeout")
    assert cleanup.duration_s < 5
    assert (result.status, result.reason) == ("Failed", "PipelineRunTimeout")


def test_a_killed_step_takes_its_children_along(tmp_path):
    marker = tmp_path / "survived"
    doc = f"""
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {{name: kill-tree}}
spec:
  pipelineSpec:
    tasks:
      - name: t
        timeout: 300ms
        taskSpec:
          steps:
            - {{name: s, image: busybox, script: "(sleep 1; touch {marker}) & sleep 5"}}
"""
    result = local.run(_doc(doc), run_dir=tmp_path / "run")
    assert result.tasks["t"].reason == "TaskRunTimeout"
    time.sleep(1.2)
    assert not marker.exists()


def test_run_timeout_argument(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: run-timeout}
spec:
  pipelineSpec:
    tasks:
      - name: t
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "sleep 20"}
      - name: next
        runAfter: [t]
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "true"}
    finally:
      - name: f
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "true"}
"""
    result = local.run(_doc(doc), run_dir=tmp_path / "run", timeout=0.5)
    assert (result.status, result.reason) == ("Failed", "PipelineRunTimeout")
    assert result.tasks["t"].reason == "TaskRunTimeout"
    assert result.tasks["next"].status == "Skipped"
    # the pipeline's own timeout covers finally tasks too
    assert result.tasks["f"].skip_reason == skipping.PIPELINE_TIMEOUT


def test_a_result_an_allowed_failure_did_not_write_fails_its_consumer(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: missing-result}
spec:
  pipelineSpec:
    tasks:
      - name: producer
        onError: continue
        taskSpec:
          results: [{name: r}]
          steps:
            - {name: s, image: busybox, script: "exit 1"}
      - name: tolerant-consumer
        onError: continue
        params: [{name: v, value: $(tasks.producer.results.r)}]
        taskSpec:
          params: [{name: v}]
          steps:
            - {name: s, image: busybox, script: "echo $(params.v)"}
      - name: consumer
        params: [{name: v, value: $(tasks.producer.results.r)}]
        taskSpec:
          params: [{name: v}]
          steps:
            - {name: s, image: busybox, script: "echo $(params.v)"}
"""
    result = local.run(_doc(doc), run_dir=tmp_path / "run")
    assert (result.tasks["consumer"].status, result.tasks["consumer"].reason) == \
           ("Failed", "InvalidTaskResultReference")
    assert result.tasks["tolerant-consumer"].skip_reason == skipping.MISSING_RESULTS
    assert (result.status, result.reason) == ("Failed", "InvalidTaskResultReference")


def test_results_larger_than_tektons_limit_fail_the_task(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: big-result}
spec:
  pipelineSpec:
    tasks:
      - name: t
        taskSpec:
          results: [{name: r}]
          steps:
            - {name: s, image: busybox, script: "head -c 5000 /dev/zero | tr '\\\\0' x > $(results.r.path)"}
"""
    result = local.run(_doc(doc), run_dir=tmp_path / "run")
    assert result.tasks["t"].reason == "TaskRunResultLargerThanAllowedLimit"
