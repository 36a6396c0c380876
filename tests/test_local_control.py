"""when, skipping and its cascade, finally, matrix: Tekton's control flow, run here."""

from pathlib import Path

from tekflow import local
from tekflow.local import skipping

HERE = Path(__file__).parent / "pipelineruns"


def _statuses(result):
    return {name: record.status for name, record in result.tasks.items()}


def test_when_skips_consumers_of_skipped_results_not_run_after_dependents(tmp_path):
    result = local.run(HERE / "when_finally.yaml", run_dir=tmp_path / "run")
    assert _statuses(result) == {
        "check": "Succeeded", "slow-path": "Skipped", "uses-slow": "Skipped", "after-uses-slow": "Skipped",
        "after-slow": "Succeeded", "fast-path": "Failed", "never": "Skipped", "report": "Succeeded",
        "needs-never": "Skipped",
    }
    reasons = {name: record.skip_reason for name, record in result.tasks.items() if record.status == "Skipped"}
    assert reasons == {"slow-path": skipping.WHEN, "uses-slow": skipping.MISSING_RESULTS,
                       "after-uses-slow": skipping.PARENT, "never": skipping.STOPPING,
                       "needs-never": skipping.MISSING_RESULTS}
    assert result.status == "Failed" and result.reason == "Failed"
    # finally sees the failure: $(tasks.status) $(tasks.t.status) for a failed and a skipped task, $(tasks.t.reason)
    assert result.results["summary"] == "Failed Failed None StepFailed"


def test_when_takes_the_other_branch(tmp_path):
    result = local.run(HERE / "when_finally.yaml", run_dir=tmp_path / "run", params={"mode": "slow"})
    statuses = _statuses(result)
    assert statuses["slow-path"] == statuses["uses-slow"] == statuses["after-uses-slow"] == "Succeeded"
    assert statuses["fast-path"] == "Skipped" and statuses["never"] == "Succeeded"
    assert result.status == "Succeeded" and result.reason == "Completed"  # Completed: some tasks skipped
    assert result.results["summary"] == "Completed None Succeeded "  # a skipped task has no reason


def test_matrix_fan_out_include_aggregated_results_and_empty_array(tmp_path):
    result = local.run(HERE / "matrix.yaml", run_dir=tmp_path / "run")
    assert result.status == "Succeeded", result.log("combos")
    # Tekton's order: the first matrix param varies fastest; `static-linux` extends the linux
    # combinations; `riscv` shares no value with any combination, so it is one of its own
    assert result.results["ids"] == ["build:linux-amd64-static", "build:mac-amd64", "build:linux-arm64-static",
                                     "build:mac-arm64", "build:any-riscv"]
    combos = result.tasks["combos"]
    assert [c.params for c in combos.children][:2] == [
        {"prefix": "build:", "os": "linux", "arch": "amd64", "flag": "-static"},
        {"prefix": "build:", "os": "mac", "arch": "amd64"}]
    assert [c.name for c in combos.children] == [f"matrix-combos-{i}" for i in range(5)]
    assert all(c.status == "Succeeded" for c in combos.children)
    assert result.results["count"] == "5 5 5"  # array param expanded in args, matrix.length, matrix.id.length
    assert result.results["words"] == ["one", "two"]
    empty = result.tasks["empty"]
    assert empty.status == "Skipped" and empty.skip_reason == skipping.EMPTY_MATRIX and not empty.children
    # unlike a false `when`, an empty matrix skips the task's dependents too, as in Tekton
    after = result.tasks["after-empty"]
    assert after.status == "Skipped" and after.skip_reason == skipping.PARENT
    assert (result.run_dir / "tasks" / "combos-4" / "s.log").exists()


def test_matrix_children_fail_and_retry_independently(tmp_path):
    doc = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: matrix-fail}
spec:
  pipelineSpec:
    tasks:
      - name: m
        retries: 1
        matrix:
          params: [{name: n, value: ["0", "1", "2"]}]
        taskSpec:
          params: [{name: n}]
          steps:
            - {name: s, image: busybox, script: 'echo n=$(params.n) try=$(context.task.retry-count); test $(params.n) != 1'}
"""
    import yaml
    from tekflow.compiler import tekton

    result = local.run(tekton.document_from_data(yaml.safe_load(doc)), run_dir=tmp_path / "run")
    m = result.tasks["m"]
    assert m.status == "Failed" and result.status == "Failed"
    assert [(c.status, c.retries) for c in m.children] == [("Succeeded", 0), ("Failed", 1), ("Succeeded", 0)]
    assert "n=1 try=0" in (result.run_dir / "tasks" / "m-1" / "retries" / "0" / "s.log").read_text()
    assert "n=1 try=1" in (result.run_dir / "tasks" / "m-1" / "s.log").read_text()


ORDER = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: skip-order}
spec:
  pipelineSpec:
    tasks:
      - name: empty
        matrix:
          params: [{name: x, value: []}]
        taskSpec:
          params: [{name: x}]
          steps: [{name: s, image: busybox, script: 'echo $(params.x)'}]
      - name: guarded
        runAfter: [empty]
        when: [{input: "a", operator: in, values: ["b"]}]
        taskSpec:
          steps: [{name: s, image: busybox, script: 'echo never'}]
      - name: after-guarded
        runAfter: [guarded]
        taskSpec:
          steps: [{name: s, image: busybox, script: 'echo ran'}]
      - name: unguarded
        runAfter: [empty]
        taskSpec:
          steps: [{name: s, image: busybox, script: 'echo never'}]
"""


def test_a_false_when_is_checked_before_skipped_parents_as_tekton_does(tmp_path):
    from tekton_validation import assert_valid

    assert_valid(ORDER)
    path = tmp_path / "order.yaml"
    path.write_text(ORDER)
    result = local.run(path, run_dir=tmp_path / "run")
    reasons = {name: (record.status, record.skip_reason) for name, record in result.tasks.items()}
    assert reasons == {"empty": ("Skipped", skipping.EMPTY_MATRIX), "guarded": ("Skipped", skipping.WHEN),
                       "after-guarded": ("Succeeded", ""), "unguarded": ("Skipped", skipping.PARENT)}
