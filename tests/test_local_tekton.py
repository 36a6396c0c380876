"""Tekton semantics of the local executor, on hand-written PipelineRuns of shell steps."""

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from tekflow import local
from tekflow.compiler import tekton
from tekflow.errors import NotSupportedError, TekflowError

HERE = Path(__file__).parent / "pipelineruns"


def _run(name_or_doc, tmp_path, **kwargs):
    if isinstance(name_or_doc, str) and name_or_doc.endswith(".yaml"):
        return local.run(HERE / name_or_doc, run_dir=tmp_path / "run", **kwargs)
    return local.run(tekton.document_from_data(yaml.safe_load(name_or_doc)), run_dir=tmp_path / "run", **kwargs)


def _statuses(result):
    return {name: record.status for name, record in result.tasks.items()}


def test_params_of_every_type_and_results_of_every_type(tmp_path):
    result = _run("params_results.yaml", tmp_path)
    assert result.status == "Succeeded", result.log("produce")
    assert result.outputs == {
        "joined": "hello alpha beta!",
        "first-item": "alpha",
        "all-items": ["alpha", "gamma"],
        "endpoint": "localhost:8080/3",
    }


def test_run_params_override_and_are_checked(tmp_path):
    result = _run("params_results.yaml", tmp_path, params={"greeting": "hi", "words": ["x", "y"]})
    assert result.outputs["joined"] == "hi x y!"
    with pytest.raises(TekflowError, match="unknown parameter 'nope'"):
        _run("params_results.yaml", tmp_path, params={"nope": "1"})


def test_when_skips_consumers_of_skipped_results_and_finally_sees_the_failure(tmp_path):
    result = _run("when_finally.yaml", tmp_path)
    assert _statuses(result) == {
        "check": "Succeeded", "slow-path": "Skipped", "uses-slow": "Skipped", "after-slow": "Succeeded",
        "fast-path": "Failed", "never": "Skipped", "report": "Succeeded", "needs-never": "Skipped",
    }
    assert result.status == "Failed"
    assert result.outputs["summary"] == "Failed Failed None Failed"


def test_when_takes_the_other_branch(tmp_path):
    result = _run("when_finally.yaml", tmp_path, params={"mode": "slow"})
    statuses = _statuses(result)
    assert statuses["slow-path"] == statuses["uses-slow"] == "Succeeded", result.summary()
    assert statuses["fast-path"] == "Skipped"
    assert result.status == "Succeeded"
    assert result.outputs["summary"] == "Completed None Succeeded Skipped"


RETRIES = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: retries}
spec:
  pipelineSpec:
    tasks:
      - name: flaky
        retries: 2
        taskSpec:
          results: [{name: attempt}]
          steps:
            - name: s
              image: busybox
              script: |
                echo -n "$(context.task.retry-count)" > $(results.attempt.path)
                [ "$(context.task.retry-count)" -ge 1 ]
      - name: hopeless
        retries: 1
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "echo try $(context.task.retry-count); exit 5"}
    results:
      - {name: attempt, value: $(tasks.flaky.results.attempt)}
"""


def test_retries_rerun_with_the_retry_count_until_exhausted(tmp_path):
    result = _run(RETRIES, tmp_path)
    assert result.tasks["flaky"].status == "Succeeded" and result.tasks["flaky"].retries == 1
    assert result.outputs["attempt"] == "1"
    hopeless = result.tasks["hopeless"]
    assert hopeless.status == "Failed" and hopeless.retries == 1
    assert "try 0" in result.log("hopeless") and "try 1" in result.log("hopeless")
    assert result.status == "Failed"


TIMEOUTS = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: timeouts}
spec:
  timeouts: {pipeline: 1m, tasks: 30s}
  pipelineSpec:
    tasks:
      - name: sleepy
        timeout: 1s
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "sleep 30"}
    finally:
      - name: cleanup
        params: [{name: r, value: $(tasks.sleepy.reason)}]
        taskSpec:
          params: [{name: r}]
          results: [{name: seen}]
          steps:
            - {name: s, image: busybox, script: "echo -n $(params.r) > $(results.seen.path)"}
    results:
      - {name: seen, value: $(finally.cleanup.results.seen)}
"""


def test_task_timeout_kills_the_step_and_finally_runs(tmp_path):
    started = time.monotonic()
    result = _run(TIMEOUTS, tmp_path)
    assert time.monotonic() - started < 20
    assert result.tasks["sleepy"].status == "Failed" and result.tasks["sleepy"].reason == "TaskRunTimeout"
    assert result.outputs["seen"] == "TaskRunTimeout"


MATRIX = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: matrix}
spec:
  pipelineSpec:
    tasks:
      - name: combos
        matrix:
          params:
            - {name: os, value: [linux, mac]}
            - {name: arch, value: [amd64, arm64]}
          include:
            - name: extra-flag
              params: [{name: os, value: linux}, {name: flag, value: "-static"}]
            - name: windows
              params: [{name: os, value: windows}, {name: arch, value: amd64}]
        taskSpec:
          params: [{name: os}, {name: arch}, {name: flag, default: ""}]
          results: [{name: id}]
          steps:
            - {name: s, image: busybox, script: 'echo -n "$(params.os)-$(params.arch)$(params.flag)" > $(results.id.path)'}
      - name: empty
        matrix:
          params:
            - {name: x, value: []}
        taskSpec:
          params: [{name: x}]
          steps:
            - {name: s, image: busybox, script: "echo $(params.x)"}
      - name: fan-in
        params: [{name: ids, value: "$(tasks.combos.results.id[*])"}]
        taskSpec:
          params: [{name: ids, type: array}]
          results: [{name: count}]
          steps:
            - name: s
              image: busybox
              command: [sh, -c, 'echo -n $# > $(results.count.path)', count]
              args: ["$(params.ids[*])"]
    results:
      - {name: ids, value: "$(tasks.combos.results.id[*])"}
      - {name: count, value: $(tasks.fan-in.results.count)}
"""


def test_matrix_cross_product_include_aggregation_and_empty_skip(tmp_path):
    result = _run(MATRIX, tmp_path)
    assert result.status == "Succeeded", result.log("combos")
    assert result.outputs["ids"] == ["linux-amd64-static", "linux-arm64-static", "mac-amd64", "mac-arm64",
                                     "windows-amd64"]
    assert result.outputs["count"] == "5"
    assert result.tasks["empty"].status == "Skipped"
    assert len(result.tasks["combos"].taskruns) == 5


ON_ERROR = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: on-error}
spec:
  workspaces:
    - name: shared
      volumeClaimTemplate:
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
    - name: scratch
      emptyDir: {}
  pipelineSpec:
    workspaces: [{name: shared}, {name: scratch}]
    tasks:
      - name: tolerant
        onError: continue
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "exit 9"}
      - name: steps
        workspaces: [{name: data, workspace: shared}, {name: tmp, workspace: scratch}]
        taskSpec:
          workspaces: [{name: data}, {name: tmp}]
          stepTemplate:
            env: [{name: GREETING, value: from-template}, {name: OTHER, value: template}]
          results: [{name: report}]
          steps:
            - name: fails
              image: busybox
              onError: continue
              script: "exit 4"
            - name: after
              image: busybox
              env: [{name: OTHER, value: step}]
              workingDir: $(workspaces.tmp.path)/wd
              script: |
                code=$(cat $(steps.step-fails.exitCode.path))
                echo -n "$code $GREETING $OTHER $(pwd | sed 's|.*/||') $(workspaces.data.bound)" > $(results.report.path)
                echo shared > $(workspaces.data.path)/file
      - name: reader
        runAfter: [steps]
        workspaces: [{name: data, workspace: shared}, {name: tmp, workspace: scratch}]
        taskSpec:
          workspaces: [{name: data}, {name: tmp}]
          results: [{name: seen}]
          steps:
            - name: s
              image: busybox
              script: |
                echo -n "$(cat $(workspaces.data.path)/file) $(ls $(workspaces.tmp.path) | wc -l)" > $(results.seen.path)
    results:
      - {name: report, value: $(tasks.steps.results.report)}
      - {name: seen, value: $(tasks.reader.results.seen)}
"""


def test_on_error_continue_step_template_working_dir_and_workspaces(tmp_path):
    result = _run(ON_ERROR, tmp_path)
    assert result.tasks["tolerant"].status == "Failed"
    assert result.status == "Succeeded"  # the only failure was allowed to continue
    assert result.outputs["report"] == "4 from-template step wd true"
    # the PVC workspace is shared by the run; emptyDir is fresh for every TaskRun
    assert result.outputs["seen"] == "shared 0"


REFS = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: refs}
spec:
  pipelineRef: {name: greet}
  params: [{name: who, value: refs}]
---
apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: greet}
spec:
  params: [{name: who}]
  tasks:
    - name: say
      taskRef: {name: say-hello}
      params: [{name: who, value: $(params.who)}]
  results:
    - {name: said, value: $(tasks.say.results.said)}
---
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: say-hello}
spec:
  params: [{name: who}]
  results: [{name: said}]
  steps:
    - name: s
      image: busybox
      script: 'echo -n "hello $(params.who) from $(context.pipelineRun.name)" > $(results.said.path)'
"""


def test_multi_document_files_resolve_pipeline_and_task_refs(tmp_path):
    path = tmp_path / "refs.yaml"
    path.write_text(REFS)
    result = local.run(path, run_dir=tmp_path / "run")
    assert result.outputs == {"said": "hello refs from refs"}


def test_single_pass_substitution_leaves_shell_and_replaced_text_alone(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: single-pass}
spec:
  params: [{name: tricky, value: "$(params.other)"}, {name: other, value: SHOULD-NOT-APPEAR}]
  pipelineSpec:
    params: [{name: tricky}, {name: other}]
    tasks:
      - name: t
        params: [{name: v, value: $(params.tricky)}]
        taskSpec:
          params: [{name: v}]
          results: [{name: out}]
          steps:
            - name: s
              image: busybox
              script: |
                x=$(echo shell)
                printf '%s|%s' '$(params.v)' "$x" > $(results.out.path)
    results: [{name: out, value: $(tasks.t.results.out)}]
"""
    result = _run(doc, tmp_path)
    assert result.outputs["out"] == "$(params.other)|shell"


@pytest.mark.parametrize("snippet, field", [
    ("sidecars: [{name: db, image: postgres}]", "sidecars"),
    ("volumes: [{name: v, emptyDir: {}}]", "volumes"),
])
def test_unsupported_fields_are_named_before_anything_runs(tmp_path, snippet, field):
    doc = f"""
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {{name: unsupported}}
spec:
  pipelineSpec:
    tasks:
      - name: t
        taskSpec:
          {snippet}
          steps:
            - {{name: s, image: busybox, script: "touch {tmp_path}/ran"}}
"""
    with pytest.raises(NotSupportedError, match=field):
        _run(doc, tmp_path)
    assert not (tmp_path / "ran").exists()


def test_env_value_from_is_reported(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: value-from}
spec:
  pipelineSpec:
    tasks:
      - name: t
        taskSpec:
          steps:
            - name: s
              image: busybox
              script: "echo $X"
              env: [{name: X, valueFrom: {secretKeyRef: {name: s, key: k}}}]
"""
    with pytest.raises(NotSupportedError, match="env 'X' uses valueFrom"):
        _run(doc, tmp_path)


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
            - {{name: s, image: busybox, script: "sleep 1"}}
""" for i in range(4))


def test_independent_tasks_run_concurrently_up_to_max_parallel(tmp_path):
    result = _run(PARALLEL, tmp_path, max_parallel=4)
    starts = sorted(r.started for r in result.tasks.values())
    assert starts[-1] - starts[0] < 0.9  # all four started before the first could finish
    serial = _run(PARALLEL, tmp_path / "serial", max_parallel=1)
    serial_starts = sorted(r.started for r in serial.tasks.values())
    assert all(b - a >= 0.9 for a, b in zip(serial_starts, serial_starts[1:]))


def test_cancel_kills_running_steps_runs_finally_and_records_it(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: cancel}
spec:
  pipelineSpec:
    tasks:
      - name: long
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "sleep 60 & wait"}
      - name: later
        runAfter: [long]
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "echo later"}
    finally:
      - name: always
        taskSpec:
          steps:
            - {name: s, image: busybox, script: "echo finally ran"}
"""
    holder = {}

    def cancel_soon(execution):
        holder["execution"] = execution
        threading.Timer(1.0, execution.cancel).start()

    started = time.monotonic()
    result = local.run(tekton.document_from_data(yaml.safe_load(doc)), run_dir=tmp_path / "run",
                       execution_hook=cancel_soon)
    assert time.monotonic() - started < 20
    assert result.status == "Cancelled"
    assert _statuses(result) == {"long": "Cancelled", "later": "Skipped", "always": "Succeeded"}
    status = yaml.safe_load((tmp_path / "run" / "status.json").read_text())
    assert status["status"] == "Cancelled"


def test_status_file_and_logs_are_kept(tmp_path):
    result = _run("params_results.yaml", tmp_path)
    status = yaml.safe_load((result.run_dir / "status.json").read_text())
    assert status["tasks"]["produce"]["status"] == "Succeeded"
    assert (result.run_dir / "tasks" / "params-results-produce" / "join.log").exists()


@pytest.mark.parametrize("doc", [RETRIES, TIMEOUTS, MATRIX, ON_ERROR, REFS, PARALLEL,
                                 *[p.read_text() for p in sorted(HERE.glob("*.yaml"))]])
def test_the_test_pipelineruns_are_valid_tekton(doc):
    from tekton_validation import assert_valid

    assert_valid(doc)


def test_scripts_with_any_shebang_run_under_load(tmp_path):
    # many scripts written and started from several threads at once (a fork holding a freshly
    # written script open must not make its exec fail)
    tasks = "".join(f"""      - name: t{i}
        taskSpec:
          results: [{{name: out}}]
          steps:
            - name: py
              image: python
              script: |
                #!/usr/bin/env python3
                open("$(results.out.path)", "w").write("py{i}")
            - name: sh
              image: busybox
              script: |
                #!/bin/sh -e
                test -s $(results.out.path)
""" for i in range(24))
    doc = f"apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {{name: load}}\nspec:\n  pipelineSpec:\n    tasks:\n{tasks}"
    result = _run(doc, tmp_path, max_parallel=8)
    assert result.status == "Succeeded", result.summary()
    assert {r.results["out"] for r in result.tasks.values()} == {f"py{i}" for i in range(24)}
