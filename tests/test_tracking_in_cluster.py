"""In-cluster tracking: the compiled pipeline records itself (tracking-start, each publish step,
tracking-finish), credentials only through a Secret. Run here with the local executor, which
runs the same launcher steps a cluster would."""

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from mlflow import MlflowClient

from tekflow import dsl, local
from tekflow.compiler import Compiler, tekton
from tekflow.dsl import Dataset, Input, Model, Output
from tekflow.errors import TekflowError
from tekflow.runtime.spec import encode_spec
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


def test_compiled_pipeline_run_has_the_ir_the_pipelinerun_git_tags_and_duration(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    source = repo / "quickstart.py"
    source.write_text(Path(QUICKSTART).read_text())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "feature"], cwd=repo, check=True)
    subprocess.run([*git, "add", "quickstart.py"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "sample"], cwd=repo, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    path = tmp_path / "run.yaml"
    Compiler().compile(str(source), str(path), tracking_uri=uri)
    assert_valid(path.read_text())
    result = local.run(path, run_dir=tmp_path / "run")
    assert result.succeeded, result.summary()
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("quickstart")
    (parent,) = client.search_runs([experiment.experiment_id], "tags.`tekflow.kind` = 'pipeline'")
    assert parent.data.tags["mlflow.source.git.commit"] == commit
    assert parent.data.tags["mlflow.source.git.branch"] == "feature"
    assert parent.data.tags["tekflow.git.dirty"] == "false"
    assert 0 < parent.data.metrics["duration_s"] < result.duration_s + 1
    assert {a.path for a in client.list_artifacts(parent.info.run_id)} == {"pipeline_ir.json", "pipelinerun.yaml",
                                                                        "provenance.intoto.json"}
    directory = Path(client.download_artifacts(parent.info.run_id, "", str(tmp_path / "artifacts")))
    statement = json.loads((directory / "provenance.intoto.json").read_text())
    (dependency,) = statement["predicate"]["buildDefinition"]["resolvedDependencies"]
    assert dependency == {"name": "source", "digest": {"gitCommit": commit}}  # the commit compile saw
    ir = json.loads((directory / "pipeline_ir.json").read_text())
    assert ir["pipelineInfo"]["name"] == "quickstart" and "comp-train" in ir["components"]
    # the compiled PipelineRun, but for tracking-start's own copy of these documents
    recorded = yaml.safe_load((directory / "pipelinerun.yaml").read_text())
    compiled = yaml.safe_load(path.read_text())
    start_args = compiled["spec"]["pipelineSpec"]["tasks"][0]["taskSpec"]["steps"][0]["args"]
    spec_at = start_args.index("--spec") + 1
    start_spec = json.loads(start_args[spec_at])
    assert set(start_spec["documents"]) == {"encoding", "data"}
    del start_spec["documents"]
    start_args[spec_at] = encode_spec(start_spec)
    assert recorded == compiled


def test_documents_too_large_for_a_step_argument_are_left_out_with_a_warning(monkeypatch):
    from tekflow.compiler.passes import tracking

    monkeypatch.setattr(tracking, "DOCUMENTS_BUDGET", 1024)
    compiler = Compiler()
    run = compiler.compile_to_pipelinerun(QUICKSTART, tracking_uri="http://mlflow.example:5000")
    args = run.spec.pipeline_spec.tasks[0].task_spec.steps[0].args
    assert "documents" not in json.loads(args[args.index("--spec") + 1])
    assert compiler.warnings == ["tracking: pipelinerun.yaml and pipeline_ir.json not recorded in MLflow: they "
                                 "compress to more than 1 KiB"]


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
    Compiler().compile(retried, str(path), pipeline_parameters={"counter_dir": str(tmp_path / "counter")},
                       tracking_uri=uri)
    result = local.run(path, run_dir=tmp_path / "run")
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


@dsl.component
def shard(i: int, part: Output[Dataset]):
    with open(part.path, "w") as f:
        f.write(f"part {i}")


@dsl.component
def merge(model: Output[Model]):
    with open(model.path, "w") as f:
        f.write("merged")


@dsl.pipeline(name="sharded")
def sharded():
    with dsl.ParallelFor([1, 2, 3]) as i:
        shard(i=i)
    merge()


def test_tracking_finish_records_the_runs_provenance_loop_iterations_included(tmp_path):
    """In a cluster no one waits for the run: its finish step writes the Statement into MLflow,
    from the manifests in the artifact store (where loop iterations' artifacts are too)."""
    from google.protobuf import json_format
    from in_toto_attestation.v1 import statement_pb2
    from in_toto_attestation.v1.statement import Statement

    from tekflow.runtime.digests import artifact_digest

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    path = tmp_path / "run.yaml"
    Compiler().compile(sharded, str(path), tracking_uri=uri, experiment="provenance")
    result = local.run(path, run_dir=tmp_path / "run")
    assert result.succeeded, result.summary()
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("provenance")
    (parent,) = [r for r in client.search_runs([experiment.experiment_id])
                 if r.data.tags.get("tekflow.kind") == "pipeline"]
    assert parent.info.status == "FINISHED"
    data = json.loads(Path(client.download_artifacts(parent.info.run_id, "provenance.intoto.json",
                                                     str(tmp_path))).read_text())
    Statement.copy_from_pb(json_format.ParseDict(data, statement_pb2.Statement())).validate()
    subjects = {s["name"]: s for s in data["subject"]}
    assert set(subjects) == {"merge/model", "shard[0]/part", "shard[1]/part", "shard[2]/part"}
    from urllib.parse import urlparse

    for subject in subjects.values():
        assert "sha256:" + subject["digest"]["sha256"] == artifact_digest(urlparse(subject["uri"]).path)
    predicate = data["predicate"]
    assert predicate["runDetails"]["builder"]["id"] == "https://tekflow.dev/executor/tekton"
    assert predicate["runDetails"]["metadata"]["invocationId"] == parent.data.tags["tekflow.run_uid"]
