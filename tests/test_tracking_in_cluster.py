"""In-cluster tracking: the compiled pipeline records itself (tracking-start, each publish step,
tracking-finish), credentials only through a Secret. Run here with the local executor, which
runs the same launcher steps a cluster would."""

from pathlib import Path

import pytest
import yaml
from mlflow import MlflowClient

from tekflow import dsl, local
from tekflow.compiler import Compiler, tekton
from tekflow.dsl import Dataset, Input, Model, Output
from tekflow.errors import TekflowError
from tekton_validation import assert_valid

QUICKSTART = str(Path(__file__).resolve().parent.parent / "samples" / "quickstart.py")


def test_compiled_pipeline_records_itself(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    path = tmp_path / "run.yaml"
    Compiler().compile(QUICKSTART, str(path), tracking_uri=uri, experiment="in-cluster")
    result = local.run(path, run_dir=tmp_path / "run")  # no local tracking: only the pipeline's own steps
    assert result.succeeded, result.summary()
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("in-cluster")
    runs = client.search_runs([experiment.experiment_id])
    (parent,) = [r for r in runs if r.data.tags.get("tekflow.kind") == "pipeline"]
    assert parent.info.status == "FINISHED" and parent.data.params == {"points": "100", "noise": "0.1"}
    tasks = {r.data.tags["tekflow.task"]: r for r in runs if r.data.tags.get("tekflow.kind") == "task"}
    assert set(tasks) == {"make-dataset", "train", "evaluate"}
    assert all(r.data.tags["mlflow.parentRunId"] == parent.info.run_id for r in tasks.values())
    assert tasks["evaluate"].data.metrics["mae"] == 0.0517
    assert [d.dataset.name for d in tasks["train"].inputs.dataset_inputs] == ["data"]
    (model,) = client.search_logged_models([experiment.experiment_id])
    assert model.source_run_id == tasks["train"].info.run_id


def test_tracking_steps_get_the_uri_and_credentials_only_from_a_secret(tmp_path):
    run = Compiler().compile_to_pipelinerun(QUICKSTART, tracking_uri="https://mlflow.example:5000",
                                            tracking_secret="mlflow-credentials")
    spec = run.spec.pipeline_spec
    assert spec.tasks[0].name == "tracking-start"
    assert [t.name for t in spec.finally_] == ["tracking-finish"]
    assert all(t.run_after for t in spec.tasks[1:] if not any("$(tasks." in str(p.value) for p in t.params))
    for task in [*spec.tasks, *spec.finally_]:
        for step in task.task_spec.steps:
            env = {e.name: e.value for e in step.env}
            if step.name in ("prepare", "publish", "track"):
                assert env["TEKFLOW_TRACKING_URI"] == "https://mlflow.example:5000"
                assert [e.secret_ref.name for e in step.env_from] == ["mlflow-credentials"]
            else:
                assert "TEKFLOW_TRACKING_URI" not in env and not step.env_from  # never the user's main step
    text = (tmp_path / "r.yaml")
    Compiler().compile(QUICKSTART, str(text), tracking_uri="https://mlflow.example:5000",
                       tracking_secret="mlflow-credentials")
    assert_valid(text.read_text())


def test_credentials_in_the_uri_are_refused():
    with pytest.raises(TekflowError, match="must not hold credentials"):
        Compiler().compile_to_pipelinerun(QUICKSTART, tracking_uri="https://user:secret@mlflow.example")


def test_without_the_option_nothing_is_added():
    run = Compiler().compile_to_pipelinerun(QUICKSTART)
    names = [t.name for t in run.spec.pipeline_spec.tasks]
    assert "tracking-start" not in names and not run.spec.pipeline_spec.finally_


@dsl.component(base_image="python:3.11")
def make_rows(data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write("1 2 3")


@dsl.component(base_image="python:3.11")
def flaky_train(data: Input[Dataset], counter_dir: str, model: Output[Model]) -> int:
    import os

    counter = os.path.join(counter_dir, "attempts")
    attempt = int(open(counter).read()) if os.path.exists(counter) else 0
    with open(counter, "w") as f:
        f.write(str(attempt + 1))
    if attempt < 2:
        raise SystemExit(f"attempt {attempt} fails")
    with open(model.path, "w") as f:
        f.write(open(data.path).read())
    return attempt


@dsl.pipeline(name="retried")
def retried(counter_dir: str):
    flaky_train(data=make_rows().outputs["data"], counter_dir=counter_dir).set_retry(3)


def test_a_retried_task_is_one_run_finished_by_its_last_attempt(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    path = tmp_path / "run.yaml"
    (tmp_path / "counter").mkdir()
    Compiler().compile(retried, str(path), tracking_uri=uri)
    result = local.run(path, params={"counter_dir": str(tmp_path / "counter")}, run_dir=tmp_path / "run")
    assert result.succeeded and result.tasks["flaky-train"].retries == 2, result.summary()
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("retried")
    (parent,) = client.search_runs([experiment.experiment_id], "tags.`tekflow.kind` = 'pipeline'")
    (task,) = client.search_runs([experiment.experiment_id], "tags.`tekflow.task` = 'flaky-train'")
    assert task.info.status == "FINISHED"
    assert task.data.tags["tekflow.status"] == "Succeeded" and task.data.tags["tekflow.retry_count"] == "2"
    assert task.data.metrics["retry_count"] == 2
    assert task.data.tags["tekflow.output.Output"] == "2"
    assert "tekflow.error" not in task.data.tags  # the failed attempts' error is gone
    assert [d.dataset.name for d in task.inputs.dataset_inputs] == ["data"]  # logged by every attempt, once
    (model,) = client.search_logged_models([experiment.experiment_id])
    assert model.source_run_id == task.info.run_id

    # a re-run of the last attempt's publish, or an earlier attempt's event arriving late, changes nothing
    from tekflow.tracking.events import RunInfo, TaskEvent
    from tekflow.tracking.mlflow_hook import Recorder

    info = RunInfo(pipeline="retried", run_name=result.name, run_uid=parent.data.tags["tekflow.run_uid"])
    recorder = Recorder(uri, None)
    for attempt in (2, 0):
        recorder.task_finished(info, TaskEvent(run_uid=info.run_uid, task="flaky-train", status="Failed",
                                               retry_count=attempt, error="late"))
    again = client.get_run(task.info.run_id)
    assert again.info.status == "FINISHED" and again.data.tags == task.data.tags
    assert len(client.search_runs([experiment.experiment_id], "tags.`tekflow.task` = 'flaky-train'")) == 1
