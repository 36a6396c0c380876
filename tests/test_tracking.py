"""Tracking in a real MLflow: a SQLite store and an `mlflow server` on 127.0.0.1.

Runs pipelines locally, reads everything back with the MLflow client and checks the run tree,
params, metrics, dataset inputs, model links and lineage; stops the server in the middle of a
run and checks that `tekflow tracking sync` restores exactly what an undisturbed run records.
"""

import json
import re
import subprocess
import sys
from typing import List

import pytest
from mlflow import MlflowClient

from mlflow_fixtures import mlflow_server, sqlite_uri  # noqa: F401 - fixtures
from tekflow import dsl, local
from tekflow.dsl import ClassificationMetrics, Dataset, Input, Metrics, Model, Output, SlicedClassificationMetrics
from tekflow.tracking.hooks import Hook
from tekflow.tracking.lineage import lineage
from tekflow.tracking.sync import sync


@dsl.component(base_image="python:3.11")
def make_data(rows: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write("\n".join(str(i) for i in range(rows)))
    data.metadata["rows"] = rows


@dsl.component(base_image="python:3.11")
def train(data: Input[Dataset], lr: float, model: Output[Model]) -> float:
    values = [int(x) for x in open(data.path).read().split()]
    with open(model.path, "w") as f:
        f.write(str(sum(values) * lr))
    model.metadata["lr"] = lr
    return sum(values) * lr


@dsl.component(base_image="python:3.11")
def evaluate(model: Input[Model], data: Input[Dataset], metrics: Output[Metrics],
             quality: Output[ClassificationMetrics]) -> float:
    score = float(open(model.path).read())
    metrics.log_metric("score", score)
    metrics.log_metric("rows", len(open(data.path).read().split()))
    quality.log_confusion_matrix(["cat", "dog"], [[8, 2], [1, 9]])
    quality.log_roc_curve([0.0, 0.2], [0.5, 0.9], [0.8, 0.3])
    return score


@dsl.component(base_image="python:3.11")
def shard(i: int) -> int:
    return i * 10


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="tracked")
def tracked(rows: int = 4, lr: float = 0.5) -> float:
    d = make_data(rows=rows)
    m = train(data=d.outputs["data"], lr=lr)
    with dsl.ParallelFor([1, 2]) as i:
        s = shard(i=i)
    total(xs=dsl.Collected(s.output))
    return evaluate(model=m.outputs["model"], data=d.outputs["data"]).outputs["Output"]


@dsl.component(base_image="python:3.11")
def evaluate_slices(quality: Output[SlicedClassificationMetrics]):
    from kfp.dsl import ClassificationMetrics

    quality._sliced_metrics = {}  # kfp 2 never initialises it
    quality.set_confusion_matrix_categories("young", ["no", "yes"])
    quality.log_confusion_matrix_row("young", "no", [6, 2])
    quality.log_confusion_matrix_row("young", "yes", [0, 2])
    quality.set_confusion_matrix_categories("old", ["no", "yes"])
    quality.log_confusion_matrix_cell("old", "yes", "yes", 3)
    quality._sliced_metrics["old"].log_roc_curve([0.0, 0.1], [0.6, 1.0], [0.7, 0.2])
    quality._update_metadata("old")


@dsl.pipeline(name="sliced")
def sliced():
    evaluate_slices()


def _table(uri, run_id, path):
    """A table as MLflow reads it back (load_table, which searches through the global URI), as rows."""
    import mlflow

    client = MlflowClient(uri)
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(uri)
    try:
        return client.load_table(client.get_run(run_id).info.experiment_id, path, run_ids=[run_id]).to_dict("records")
    finally:
        mlflow.set_tracking_uri(previous)


def _run(tmp_path, uri, name="run", **kwargs):
    result = local.run(tracked, run_dir=tmp_path / name, tracking_uri=uri, **kwargs)
    assert result.succeeded, result.summary()
    return result


def _tree(uri):
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("tracked")
    runs = client.search_runs([experiment.experiment_id], max_results=1000)
    parents = [r for r in runs if r.data.tags.get("tekflow.kind") == "pipeline"]
    return client, experiment, parents, runs


def _children(runs, parent):
    return {(r.data.tags["tekflow.task"], r.data.tags["tekflow.iteration"]): r for r in runs
            if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id}


def check_recorded(uri, result):
    client, experiment, parents, runs = _tree(uri)
    parent = next(p for p in parents if p.data.tags["tekflow.run_name"] == result.name)
    assert parent.info.status == "FINISHED"
    assert parent.data.params == {"rows": "4", "lr": "0.5"}
    assert {a.path for a in client.list_artifacts(parent.info.run_id)} >= {"pipelinerun.yaml", "pipeline_ir.json"}
    children = _children(runs, parent)
    assert set(children) == {("make-data", "none"), ("train", "none"), ("evaluate", "none"), ("shard", "0"),
                             ("shard", "1"), ("total", "none")}
    assert all(c.info.status == "FINISHED" for c in children.values())
    assert children[("shard", "1")].data.params == {"i": "2"}
    assert children[("shard", "1")].data.tags["tekflow.output.Output"] == "20"
    evaluate_run = children[("evaluate", "none")]
    assert evaluate_run.data.metrics["score"] == 3.0 and evaluate_run.data.metrics["rows"] == 4
    assert evaluate_run.data.metrics["quality.accuracy"] == pytest.approx(17 / 20)
    assert _table(uri, evaluate_run.info.run_id, "quality_confusion_matrix.json") == [
        {"actual": "cat", "predicted": "cat", "count": 8}, {"actual": "cat", "predicted": "dog", "count": 2},
        {"actual": "dog", "predicted": "cat", "count": 1}, {"actual": "dog", "predicted": "dog", "count": 9}]
    assert _table(uri, evaluate_run.info.run_id, "quality_roc.json") == [pytest.approx(row) for row in [
        {"confidenceThreshold": 0.8, "falsePositiveRate": 0.0, "recall": 0.5},
        {"confidenceThreshold": 0.3, "falsePositiveRate": 0.2, "recall": 0.9}]]  # pandas reads floats loosely
    # datasets: inputs of their consumers, with the producer recorded
    train_run = children[("train", "none")]
    (dataset_input,) = train_run.inputs.dataset_inputs
    assert dataset_input.dataset.name == "data"
    assert {t.key: t.value for t in dataset_input.tags}["tekflow.producer"] == "make-data"
    # the model: a LoggedModel produced by the train run, knowing the datasets it used
    (model,) = client.search_logged_models([experiment.experiment_id],
                                           filter_string=f"source_run_id = '{train_run.info.run_id}'")
    assert model.name == "model" and model.params == {"lr": "0.5"}
    assert json.loads(model.tags["tekflow.datasets"]) == [json.loads(dataset_input.dataset.source)["uri"]]
    return parent, model


def test_local_run_is_recorded_in_a_sqlite_store(tmp_path, sqlite_uri):
    result = _run(tmp_path, sqlite_uri)
    parent, model = check_recorded(sqlite_uri, result)

    graph = lineage(f"models:/{model.model_id}", sqlite_uri)
    kinds = {n.kind for n in graph.nodes.values()}
    assert kinds == {"model", "task", "dataset", "param", "artifact"}
    labels = {n.label for n in graph.nodes.values() if n.kind in ("task", "param")}
    assert labels >= {"train", "make-data", "rows=4", "lr=0.5"}
    text = graph.to_text()
    assert text.splitlines()[0].startswith("model model models:/")
    assert "<- task make-data" in text and "<- param rows=4" in text
    mermaid = graph.to_mermaid()
    assert mermaid.startswith("graph LR") and "-->|produced|" in mermaid
    pipeline_graph = json.loads(lineage(parent.info.run_id, sqlite_uri).to_json())
    assert {n["label"] for n in pipeline_graph["nodes"] if n["kind"] == "task"} >= {"train", "shard[0]", "shard[1]"}
    labels_by_id = {n["id"]: n["label"] for n in pipeline_graph["nodes"]}
    assert {"from": f"model:{model.model_id}", "to": next(i for i, label in labels_by_id.items() if label == "evaluate"),
            "relation": "consumed"} in pipeline_graph["edges"]


def test_sliced_classification_metrics_per_slice(tmp_path, sqlite_uri):
    result = local.run(sliced, run_dir=tmp_path / "run", tracking_uri=sqlite_uri)
    assert result.succeeded, result.summary()
    client = MlflowClient(sqlite_uri)
    experiment = client.get_experiment_by_name("sliced")
    (task,) = client.search_runs([experiment.experiment_id], "tags.`tekflow.kind` = 'task'")
    accuracies = {k: v for k, v in task.data.metrics.items() if k.endswith(".accuracy")}
    assert accuracies == {"quality.young.accuracy": pytest.approx(8 / 10), "quality.old.accuracy": 1.0}
    assert _table(sqlite_uri, task.info.run_id, "quality.young_confusion_matrix.json") == [
        {"actual": "no", "predicted": "no", "count": 6}, {"actual": "no", "predicted": "yes", "count": 2},
        {"actual": "yes", "predicted": "no", "count": 0}, {"actual": "yes", "predicted": "yes", "count": 2}]
    assert _table(sqlite_uri, task.info.run_id, "quality.old_roc.json") == [pytest.approx(row) for row in [
        {"confidenceThreshold": 0.7, "falsePositiveRate": 0.0, "recall": 0.6},
        {"confidenceThreshold": 0.2, "falsePositiveRate": 0.1, "recall": 1.0}]]
    logged = {a.path for a in client.list_artifacts(task.info.run_id)}
    assert logged == {"quality.json", "quality.young_confusion_matrix.json", "quality.old_confusion_matrix.json",
                      "quality.old_roc.json"}


@dsl.component(base_image="python:3.11")
def fit_shard(i: int, model: Output[Model]) -> int:
    if i == 2:
        raise SystemExit("shard 2 fails")
    with open(model.path, "w") as f:
        f.write(str(i))
    return i * 10


@dsl.pipeline(name="partly-failing-loop")
def partly_failing_loop():
    with dsl.ParallelFor([1, 2, 3]) as i:
        fit_shard(i=i)


def test_each_loop_iteration_has_its_own_status(tmp_path, sqlite_uri):
    result = local.run(partly_failing_loop, run_dir=tmp_path / "run", tracking_uri=sqlite_uri)
    assert result.status == "Failed"
    client = MlflowClient(sqlite_uri)
    experiment = client.get_experiment_by_name("partly-failing-loop")
    runs = {r.data.tags["tekflow.iteration"]: r
            for r in client.search_runs([experiment.experiment_id], "tags.`tekflow.kind` = 'task'")}
    assert {i: (r.info.status, r.data.tags["tekflow.status"]) for i, r in runs.items()} == {
        "0": ("FINISHED", "Succeeded"), "1": ("FAILED", "Failed"), "2": ("FINISHED", "Succeeded")}
    assert runs["2"].data.tags["tekflow.output.Output"] == "30"
    assert "tekflow.error" in runs["1"].data.tags and "tekflow.error" not in runs["0"].data.tags
    models = client.search_logged_models([experiment.experiment_id])
    assert sorted(m.source_run_id for m in models) == sorted([runs["0"].info.run_id, runs["2"].info.run_id])


def test_replaying_events_creates_no_duplicates(tmp_path, sqlite_uri):
    result = _run(tmp_path, sqlite_uri)
    spool = tmp_path / "spool"
    # the same events again, as a re-submitted step or a second sync would deliver them
    from tekflow.tracking.mlflow_hook import MLflowHook

    events = []

    class Recorder(Hook):
        def pipeline_started(self, run):
            events.append(("pipeline_started", {"run": run.to_dict()}))

        def task_finished(self, run, task):
            events.append(("task_finished", {"run": run.to_dict(), "task": task.to_dict()}))

        def pipeline_finished(self, run):
            events.append(("pipeline_finished", {"run": run.to_dict()}))

    second = _run(tmp_path, sqlite_uri, name="second", hooks=[Recorder()])
    hook = MLflowHook(sqlite_uri, spool)
    for kind, payload in events:
        hook.apply(kind, payload)
    _, _, parents, runs = _tree(sqlite_uri)
    assert len(parents) == 2
    assert len(runs) == 2 * 7
    check_recorded(sqlite_uri, second)


def test_user_hooks_hear_each_task_start_before_its_end(tmp_path):
    calls = []

    class Listener(Hook):
        def task_started(self, run, task):
            calls.append(("started", task.task, task.status, task.started is not None, task.kfp_task))

        def task_finished(self, run, task):
            calls.append(("finished", task.task))

    local.run(tracked, run_dir=tmp_path / "run", hooks=[Listener()])
    started = [c for c in calls if c[0] == "started"]
    assert sorted(c[1] for c in started) == ["evaluate", "make-data", "shard", "total", "train"]
    assert all(status == "Running" and has_time and kfp_task for _, _, status, has_time, kfp_task in started)
    for _, name, *_ in started:  # every start comes before that task's first end
        assert calls.index(next(c for c in calls if c[:2] == ("started", name))) < calls.index(("finished", name))


def test_a_failing_hook_never_fails_the_run(tmp_path):
    class Broken(Hook):
        def task_finished(self, run, task):
            raise RuntimeError("hook bug")

    result = local.run(tracked, run_dir=tmp_path / "run", hooks=[Broken()])
    assert result.succeeded


def _normalized(uri, result):
    """What was recorded for one run, without ids, times and paths that differ between runs."""
    client, _, parents, runs = _tree(uri)
    parent = next(p for p in parents if p.data.tags["tekflow.run_name"] == result.name)

    def clean(text):
        return str(text).replace(str(result.run_dir), "RUN_DIR").replace(result.name, "RUN")

    def describe(run):
        tags = {k: clean(v) for k, v in run.data.tags.items()
                if k.startswith("tekflow.") and k not in ("tekflow.run_uid", "tekflow.run_name")}
        metrics = {k: v for k, v in run.data.metrics.items() if k != "duration_s"}
        datasets = sorted((d.dataset.name, clean(d.dataset.source)) for d in run.inputs.dataset_inputs)
        return {"status": run.info.status, "params": run.data.params, "tags": tags, "metrics": metrics,
                "datasets": datasets, "name": clean(run.info.run_name)}

    return {"parent": describe(parent),
            "children": sorted((json.dumps(describe(r), sort_keys=True) for r in runs
                                if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id))}


def test_mlflow_server_run_tree_and_an_outage_replayed_by_sync(tmp_path, mlflow_server):
    undisturbed = _run(tmp_path, mlflow_server.uri, name="undisturbed")
    check_recorded(mlflow_server.uri, undisturbed)

    def stop_server_after_training(event):
        if event["type"] == "task_finished" and event["task"] == "train":
            mlflow_server.stop()

    disturbed = local.run(tracked, run_dir=tmp_path / "disturbed", tracking_uri=mlflow_server.uri,
                          on_event=stop_server_after_training)
    try:
        assert disturbed.succeeded  # tracking never fails the pipeline
        spool = disturbed.run_dir / "tracking-spool"
        spooled = list(spool.glob("*.jsonl"))
        assert len(spooled) == 1 and len(spooled[0].read_text().splitlines()) >= 3
    finally:
        mlflow_server.start()

    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "tracking", "sync", "--spool-dir", str(spool),
                           "--tracking-uri", mlflow_server.uri, "--output", "json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["failed"] == {}
    assert not list(spool.glob("*.jsonl"))
    assert _normalized(mlflow_server.uri, disturbed) == _normalized(mlflow_server.uri, undisturbed)
    # a second sync has nothing left to do and changes nothing
    assert sync(spool, mlflow_server.uri).events == 0


def _sync_cli(cwd, *args):
    env = {k: v for k, v in __import__("os").environ.items() if k != "MLFLOW_TRACKING_URI"}
    return subprocess.run([sys.executable, "-m", "tekflow.cli.main", "tracking", "sync", *args, "--output", "json"],
                          cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def test_sync_replays_to_the_uri_the_events_were_meant_for(tmp_path):
    import shutil

    store = tmp_path / "later"
    store.write_text("")  # a file where the store's directory should be: unreachable for now
    intended = f"sqlite:///{store / 'mlflow.db'}"
    result = local.run(tracked, run_dir=tmp_path / "tekflow-runs" / "run", tracking_uri=intended)
    assert result.succeeded and result.tracking_run_id is None
    spool = result.run_dir / "tracking-spool"
    shutil.copytree(spool, tmp_path / "spool-copy")
    store.unlink()
    store.mkdir()

    proc = _sync_cli(tmp_path)  # no --tracking-uri: where the events were meant to go, not ./mlflow.db
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"events": 8, "failed": {}, "runs": 1, "tracking_uris": [intended]}
    assert not (tmp_path / "mlflow.db").exists()
    check_recorded(intended, result)

    other = f"sqlite:///{tmp_path / 'other.db'}"
    proc = _sync_cli(tmp_path, "--spool-dir", str(tmp_path / "spool-copy"), "--tracking-uri", other)
    assert proc.returncode == 0 and json.loads(proc.stdout)["tracking_uris"] == [other], proc.stderr
    check_recorded(other, result)


def test_the_spool_never_holds_credentials(tmp_path, caplog):
    result = local.run(tracked, run_dir=tmp_path / "run", tracking_uri="http://user:s3cret@127.0.0.1:9")
    assert result.succeeded
    lines = [json.loads(line) for f in (result.run_dir / "tracking-spool").glob("*.jsonl")
             for line in f.read_text().splitlines()]
    assert lines and {line["tracking_uri"] for line in lines} == {"http://127.0.0.1:9"}
    assert "s3cret" not in json.dumps(lines)
    assert "s3cret" not in caplog.text  # nor the warnings


def test_cli_run_records_by_default_and_lineage_answers(tmp_path):
    source = tmp_path / "quick.py"
    source.write_text((__import__("pathlib").Path(__file__).parent.parent / "samples" / "quickstart.py").read_text())
    env = {k: v for k, v in __import__("os").environ.items() if k != "MLFLOW_TRACKING_URI"}
    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "run", str(source), "--output", "json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "mlflow.db").exists()
    reported_run_id = json.loads(proc.stdout)["tracking_run_id"]
    client = MlflowClient(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("quickstart")
    parent = next(r for r in client.search_runs([experiment.experiment_id])
                  if r.data.tags.get("tekflow.kind") == "pipeline")
    assert reported_run_id == parent.info.run_id  # what CI reads from --output json
    answer = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "lineage", parent.info.run_id, "--output",
                             "mermaid"], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith("graph LR") and "task: train" in answer.stdout
    missing = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "lineage", "nope"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120, env=env)
    assert missing.returncode == 2 and missing.stderr.startswith("error:")
    no_tracking = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "run", str(source), "--no-tracking"],
                                 cwd=tmp_path / "..", capture_output=True, text=True, timeout=300, env=env)
    assert no_tracking.returncode == 0
