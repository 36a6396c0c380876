"""In-cluster tracking: the compiled pipeline records itself (tracking-start, each publish step,
tracking-finish), credentials only through a Secret. Run here with the local executor, which
runs the same launcher steps a cluster would."""

from pathlib import Path

import pytest
import yaml
from mlflow import MlflowClient

from tekflow import local
from tekflow.compiler import Compiler, tekton
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
