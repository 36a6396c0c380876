"""Exit codes and typed run states from Tekton's objects (no cluster needed)."""

import json

import pytest

from cluster_objects import condition, pipelinerun, step, taskrun
from tekflow.cluster.model import exit_code, run_state, run_status


@pytest.mark.parametrize("status, reason, code", [
    ("True", "Succeeded", 0),
    ("True", "Completed", 0),  # succeeded with skipped tasks
    ("False", "Failed", 1),
    ("False", "PipelineRunTimeout", 1),  # Tekton's own timeout is the pipeline's failure
    ("False", "CreateRunFailed", 1),
    ("False", "Cancelled", 3),
    ("False", "PipelineValidationFailed", 2),  # Tekton refused the run: nothing ran
    ("False", "ParameterMissing", 2),
    ("False", "CouldntGetTask", 2),
    ("Unknown", "Running", None),
    ("Unknown", "CancelledRunningFinally", None),  # finally tasks still running after a cancel
    ("Unknown", "PipelineRunStopping", None),
])
def test_exit_code_of_a_condition(status, reason, code):
    assert exit_code(condition(status, reason)) == code


def test_a_user_error_message_is_a_rejection_whatever_its_reason():
    assert exit_code(condition("False", "SomethingNew", "[User error] missing parameter x")) == 2
    assert exit_code(None) is None


def test_run_status_words():
    assert run_status(None) == "Pending"
    assert run_status(condition("Unknown", "Running")) == "Running"
    assert run_status(condition("Unknown", "PipelineRunPending"), "PipelineRunPending") == "Pending"
    assert run_status(condition("False", "Cancelled")) == "Cancelled"
    assert run_status(condition("False", "PipelineRunTimeout")) == "Failed"


def test_run_state_reads_tasks_matrix_skips_and_finally():
    pr = pipelinerun(cond=condition("False", "Failed", "Tasks Completed: 3 (Failed: 1, Cancelled 0), Skipped: 1"),
                     tasks=("make", "train", "report"), skipped=[("report", "Parent Tasks were skipped")])
    trs = [
        taskrun("demo-x1", "make", condition("True", "Succeeded"), [step("prepare", 0), step("main", 0)]),
        taskrun("demo-x1", "train", condition("True", "Succeeded"), [step("main", 0)], suffix="-0"),
        taskrun("demo-x1", "train", condition("False", "Failed", '"step-main" exited with code 2'),
                [step("prepare", 0), step("main", 2), step("publish", 0)], suffix="-1", end="2026-12-02T10:00:08Z",
                retries=1),
        taskrun("demo-x1", "cleanup", condition("True", "Succeeded"), [step("main", 0)], is_finally=True),
    ]
    state = run_state(pr, trs)
    assert state.status == "Failed" and state.exit_code == 1 and state.done
    assert list(state.tasks) == ["make", "train", "report", "cleanup"]
    train = state.tasks["train"]
    assert train.status == "Failed" and train.reason == "Failed"
    assert [t.name for t in train.taskruns] == ["demo-x1-train-0", "demo-x1-train-1"]
    assert train.duration_s == 7.0 and train.retries == 1
    failed = train.taskruns[1].failed_step
    assert failed.name == "main" and failed.exit_code == 2 and failed.container == "step-main"
    assert state.tasks["report"].status == "Skipped" and "Parent Tasks" in state.tasks["report"].message
    assert state.tasks["cleanup"].is_finally and state.tasks["cleanup"].status == "Succeeded"
    assert state.duration_s == 9.0
    summary = json.loads(state.to_json())
    assert summary["exit_code"] == 1 and summary["tasks"]["train"]["taskruns"][1]["steps"][1]["exit_code"] == 2


def test_task_statuses_while_running():
    pr = pipelinerun(cond=condition("Unknown", "Running"))
    trs = [taskrun("demo-x1", "make", condition("Unknown", "Running"), [step("prepare", 0), step("main", running=True)]),
           taskrun("demo-x1", "train", condition("Unknown", "Pending", "pod status PodScheduled False"), [])]
    state = run_state(pr, trs)
    assert not state.done and state.exit_code is None and state.status == "Running"
    assert state.tasks["make"].status == "Running" and state.tasks["make"].finished is None
    assert state.tasks["train"].status == "Pending"
    assert state.tasks["cleanup"].status == "Pending" and not state.tasks["cleanup"].taskruns


def test_a_cancelled_taskrun_is_cancelled_and_the_cancel_request_is_seen():
    pr = pipelinerun(cond=condition("Unknown", "CancelledRunningFinally"), spec_status="CancelledRunFinally")
    trs = [taskrun("demo-x1", "make", condition("False", "TaskRunCancelled", "TaskRun cancelled"), [])]
    state = run_state(pr, trs)
    assert state.tasks["make"].status == "Cancelled" and state.spec_status == "CancelledRunFinally"
    assert state.status == "Running" and not state.done


def test_outputs_typed_by_the_pipeline_and_spilled_values_left_out():
    declared = {"Output": {"task": "t", "output": "Output", "type": "NUMBER_DOUBLE"},
                "n": {"task": "t", "output": "n", "type": "NUMBER_INTEGER"},
                "big": {"task": "t", "output": "big", "type": "STRING"}}
    pr = pipelinerun(cond=condition("True", "Succeeded"), results=[("Output", "0.5"), ("n", "3"),
                                                                   ("big", "tekflow:spilled")],
                     annotations={"tekflow.dev/parameter-outputs": json.dumps(declared)})
    state = run_state(pr, [])
    assert state.outputs == {"Output": 0.5, "n": 3}
    assert state.results["big"] == "tekflow:spilled"
