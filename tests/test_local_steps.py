"""Steps and workspaces: the TaskRun as processes on this machine; what the run directory keeps."""

import json
import sys
from pathlib import Path

import pytest
import yaml

from tekflow import local
from tekflow.compiler import tekton
from tekflow.errors import NotSupportedError, TekflowError

HERE = Path(__file__).parent / "pipelineruns"


def _doc(text):
    return tekton.document_from_data(yaml.safe_load(text))


def test_steps_and_workspaces(tmp_path):
    result = local.run(HERE / "steps_workspaces.yaml", run_dir=tmp_path / "run")
    assert result.status == "Succeeded", result.log("writer")
    assert result.results["report"] == "from-template step wd 1 false"
    assert Path(result.results["python"]).resolve() == Path(sys.executable).resolve()
    # the PVC workspace is shared by the run (subPath honoured); emptyDir is fresh for every TaskRun
    assert result.results["seen"] == "shared 0"
    assert (result.run_dir / "workspaces" / "shared" / "sub" / "file").read_text() == "shared\n"


def test_status_file_and_logs(tmp_path):
    result = local.run(HERE / "params_results.yaml", run_dir=tmp_path / "run")
    status = json.loads((result.run_dir / "status.json").read_text())
    assert status["status"] == "Succeeded"
    assert status["tasks"]["produce"]["status"] == "Succeeded"
    assert status["outputs"] == result.results
    produce = result.tasks["produce"]
    assert produce.logs == {"join": str(result.run_dir / "tasks" / "produce" / "join.log"),
                            "items": str(result.run_dir / "tasks" / "produce" / "items.log")}
    assert produce.children[0].name == "params-results-produce"
    summary = json.loads(result.to_json())
    assert summary["tasks"]["produce"]["status"] == "Succeeded" and summary["outputs"] == result.results


def test_status_file_follows_the_run(tmp_path):
    seen = []

    def on_event(event):
        if event["type"] in ("task_started", "task_finished"):
            seen.append(json.loads((tmp_path / "run" / "status.json").read_text())["tasks"]["produce"]["status"])

    local.run(HERE / "params_results.yaml", run_dir=tmp_path / "run", on_event=on_event)
    assert seen[:2] == ["Running", "Succeeded"]


@pytest.mark.parametrize("snippet, field", [
    ("sidecars: [{name: db, image: postgres}]", "sidecars"),
    ("volumes: [{name: v, emptyDir: {}}]", "volumes"),
])
def test_unsupported_task_fields_are_named_before_anything_runs(tmp_path, snippet, field):
    doc = f"""
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {{name: unsupported}}
spec:
  pipelineSpec:
    tasks:
      - name: first
        taskSpec:
          steps:
            - {{name: s, image: busybox, script: "touch {tmp_path}/ran"}}
      - name: t
        taskSpec:
          {snippet}
          steps:
            - {{name: s, image: busybox, script: "true"}}
"""
    with pytest.raises(NotSupportedError, match=field):
        local.run(_doc(doc), run_dir=tmp_path / "run")
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("task, message", [
    ("{name: t, taskRef: {resolver: bundles, params: [{name: bundle, value: x}]}}", "resolver"),
    ("{name: t, taskRef: {apiVersion: example.dev/v1, kind: Wait, name: w}}", "custom tasks"),
    ("{name: t, pipelineRef: {name: child}}", "pipelines in pipelines"),
    ("{name: t, taskSpec: {steps: [{name: s, ref: {name: git-clone}}]}}", "StepActions"),
    ("{name: t, taskSpec: {steps: [{name: s, image: busybox, script: 'echo $X', "
     "env: [{name: X, valueFrom: {secretKeyRef: {name: s, key: k}}}]}]}}", "env 'X' uses valueFrom"),
    ("{name: t, taskSpec: {steps: [{name: s, image: busybox}]}}", "no command or script"),
])
def test_unsupported_references_are_named(tmp_path, task, message):
    doc = f"""
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {{name: unsupported}}
spec:
  pipelineSpec:
    tasks:
      - {task}
"""
    with pytest.raises(NotSupportedError, match=message):
        local.run(_doc(doc), run_dir=tmp_path / "run")


def test_pipeline_ref_by_resolver_and_missing_refs(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: remote}
spec:
  pipelineRef: {resolver: git, params: [{name: url, value: https://example.org/p.git}]}
"""
    with pytest.raises(NotSupportedError, match="resolver 'git'"):
        local.run(_doc(doc), run_dir=tmp_path / "run")
    path = tmp_path / "refs.yaml"
    path.write_text((HERE / "refs_context.yaml").read_text().replace("taskRef: {name: say-hello}", "taskRef: {name: nope}"))
    with pytest.raises(TekflowError, match="taskRef 'nope' names no Task in the file"):
        local.run(path, run_dir=tmp_path / "run")
    path.write_text("apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: x}\nspec:\n  foo: 1\n")
    with pytest.raises(TekflowError, match=r"PipelineRun\.spec\.foo"):
        local.run(path, run_dir=tmp_path / "run")


def test_a_dependency_cycle_is_an_error(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: cycle}
spec:
  pipelineSpec:
    tasks:
      - {name: a, runAfter: [b], taskSpec: {steps: [{name: s, image: busybox, script: "true"}]}}
      - {name: b, runAfter: [a], taskSpec: {steps: [{name: s, image: busybox, script: "true"}]}}
"""
    with pytest.raises(TekflowError, match="cycle"):
        local.run(_doc(doc), run_dir=tmp_path / "run")


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
    result = local.run(_doc(doc), run_dir=tmp_path / "run", max_parallel=8)
    assert result.status == "Succeeded", result.summary()
    assert {r.results["out"] for r in result.tasks.values()} == {f"py{i}" for i in range(24)}
