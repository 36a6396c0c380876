"""Params of every type, results of every type, pipeline results, substitution and context."""

import re
from pathlib import Path

import pytest
import yaml

from tekflow import local
from tekflow.compiler import tekton
from tekflow.errors import TekflowError

HERE = Path(__file__).parent / "pipelineruns"


def _run(source, tmp_path, **kwargs):
    if isinstance(source, str) and not source.endswith(".yaml"):
        source = tekton.document_from_data(yaml.safe_load(source))
    elif isinstance(source, str):
        source = HERE / source
    return local.run(source, run_dir=tmp_path / "run", **kwargs)


def test_params_of_every_type_and_results_of_every_type(tmp_path):
    result = _run("params_results.yaml", tmp_path)
    assert result.status == "Succeeded", result.log("produce")
    assert result.results == {
        "joined": "hello alpha beta!",
        "first-item": "alpha",
        "all-items": ["alpha", "gamma"],
        "endpoint": "localhost:8080/3",
    }
    assert result.tasks["produce"].results == {"text": "hello alpha beta!", "items": ["alpha", "gamma"],
                                               "info": {"count": "3"}}


def test_run_params_override_defaults_and_are_checked(tmp_path):
    result = _run("params_results.yaml", tmp_path, params={"greeting": "hi", "words": ["x", "y"],
                                                           "conf": {"host": "example.org"}})
    assert result.results["joined"] == "hi x y!"
    assert result.results["endpoint"] == "example.org:8080/3"  # object keys not given keep their default
    with pytest.raises(TekflowError, match="unknown parameter 'nope'"):
        _run("params_results.yaml", tmp_path, params={"nope": "1"})
    with pytest.raises(TekflowError, match="'words' is of type array, got string"):
        _run("params_results.yaml", tmp_path, params={"words": "x"})


def test_a_required_param_without_value_is_an_error_before_anything_runs(tmp_path):
    doc = (HERE / "params_results.yaml").read_text().replace("    - name: greeting\n      value: hello\n", "")
    with pytest.raises(TekflowError, match="'greeting' has no value and no default"):
        _run(doc, tmp_path)
    assert not (tmp_path / "run" / "tasks").exists()


def test_refs_in_the_same_file_and_context_variables(tmp_path):
    result = _run("refs_context.yaml", tmp_path)
    assert result.status == "Succeeded", result.log("say")
    # a referenced Task: context.task.name is the Task's name; pipeline-level context is not
    # substituted inside it (left for the shell, which prints it literally here)
    assert result.results["said"] == ("hello world from refs/team/greet/3; say-hello refs-say "
                                      "[$(context.pipelineRun.name)]")
    who, run, task, taskrun, uid = result.results["inline"].split("|")
    # an inlined taskSpec: pipeline params and context propagate; context.task.name is the TaskRun's
    assert (who, run, task, taskrun) == ("world", "refs", "refs-inline", "refs-inline")
    assert re.fullmatch(r"[0-9a-f-]{36}", uid)


SINGLE_PASS = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: single-pass}
spec:
  params: [{name: tricky, value: "$(params.other)"}, {name: other, value: SHOULD-NOT-APPEAR}]
  pipelineSpec:
    params: [{name: tricky}, {name: other}]
    tasks:
      - name: t
        params: [{name: v, value: $(params.tricky)}, {name: other, value: $(params.other)}]
        taskSpec:
          params: [{name: v}, {name: other}]
          results: [{name: out}]
          steps:
            - name: s
              image: busybox
              script: |
                x=$(echo shell)
                printf '%s|%s|%s' '$(params.v)' "$x" '$(unknown.thing)' > $(results.out.path)
    results: [{name: out, value: $(tasks.t.results.out)}]
"""


def test_substitution_is_single_pass_and_leaves_shell_syntax_alone(tmp_path):
    result = _run(SINGLE_PASS, tmp_path)
    assert result.results["out"] == "$(params.other)|shell|$(unknown.thing)"


def test_a_pipelinerun_object_runs_and_the_default_run_dir_is_named_after_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doc = yaml.safe_load(SINGLE_PASS)
    del doc["metadata"]["name"]
    doc["metadata"]["generateName"] = "gen-"
    result = local.run(tekton.document_from_data(doc))
    assert re.fullmatch(r"gen-[0-9a-z]{5}", result.name)
    assert result.run_dir == tmp_path / "tekflow-runs" / result.name
    assert (result.run_dir / "status.json").exists()


def test_an_array_index_out_of_range_fails_the_run_before_any_task_as_tekton_does(tmp_path):
    run = tekton.document_from_data(yaml.safe_load("""
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: index}
spec:
  params: [{name: arr, value: [a]}]
  pipelineSpec:
    params: [{name: arr, type: array}]
    tasks:
      - name: first
        params: [{name: x, value: '$(params.arr[0])'}]
        taskSpec:
          params: [{name: x}]
          steps: [{name: s, image: busybox, script: 'echo $(params.x)'}]
      - name: beyond
        params: [{name: x, value: '$(params.arr[5])'}]
        taskSpec:
          params: [{name: x}]
          steps: [{name: s, image: busybox, script: 'echo $(params.x)'}]
"""))
    result = local.run(run, run_dir=tmp_path / "run")
    assert (result.status, result.reason) == ("Failed", "ParamArrayIndexingInvalid")
    assert "$(params.arr[5])" in result.message and "arr[0]" not in result.message
    assert all(record.status not in ("Succeeded", "Failed") for record in result.tasks.values())
