"""The built-in hook: pipeline runs, task runs, metrics, datasets and models in MLflow.

Every event is applied idempotently (runs are found again by their `tekflow.*` tags before
anything is created, and a finished task run is logged again only by a later attempt of a
retried task, which reopens it), so a retried step, a re-submitted run or a replayed spool
never duplicates anything. When MLflow cannot be
reached, the event goes to the spool, and so do the run's later events, to keep their order;
`tekflow tracking sync` replays them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any, Optional

from tekflow.redact import redact

from .client import bounded_requests, mlflow_client, reason
from .events import PROCESS_KILLED, ArtifactRef, RunInfo, TaskEvent
from .hooks import Hook
from .spool import Spool, replay_command

log = logging.getLogger("tekflow.tracking")

PARAM_LIMIT = 6000  # MLflow's longest param value
TAG_LIMIT = 5000
RUN_STATUS = {"Succeeded": "FINISHED", "Failed": "FAILED", "Cancelled": "KILLED", "Skipped": "KILLED",
              "Running": "RUNNING"}
REASON_STATUS = {PROCESS_KILLED: "KILLED"}  # reasons that say more than the run's status
METRIC_TYPES = ("system.Metrics",)
CLASSIFICATION_TYPES = ("system.ClassificationMetrics", "system.SlicedClassificationMetrics")
TERMINAL = ("FINISHED", "FAILED", "KILLED")
LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts"  # what the MLflow UI shows as tables
# tags that describe one attempt of a task: a later attempt replaces them all
ATTEMPT_TAG_PREFIXES = ("tekflow.error", "tekflow.output.", "tekflow.artifact.")


class MLflowHook(Hook):
    def __init__(self, tracking_uri: str, spool_dir: Path, experiment: Optional[str] = None,
                 timeout_s: float = 5.0) -> None:
        self.tracking_uri = tracking_uri
        self.spool = Spool(spool_dir)
        self.experiment = experiment
        self.timeout_s = timeout_s
        self._recorder: Optional[Recorder] = None
        self.parent_run_id: Optional[str] = None  # the pipeline's MLflow run, once known

    # -- Hook -------------------------------------------------------------------------
    def pipeline_started(self, run: RunInfo) -> None:
        self._deliver(run.run_uid, "pipeline_started", {"run": run.to_dict()})

    def task_finished(self, run: RunInfo, task: TaskEvent) -> None:
        self._deliver(run.run_uid, "task_finished", {"run": _light(run), "task": task.to_dict()})

    def pipeline_finished(self, run: RunInfo) -> None:
        self._deliver(run.run_uid, "pipeline_finished", {"run": _light(run)})

    # -- delivery ---------------------------------------------------------------------
    def _deliver(self, run_uid: str, kind: str, payload: dict[str, Any]) -> None:
        if self.spool.has(run_uid):  # once spooling started, later events queue behind
            self.spool.append(run_uid, kind, payload, self.tracking_uri)
            return
        try:
            self.apply(kind, payload)
        except Exception as e:  # unreachable server, bad credentials…: never fail the run
            self.spool.append(run_uid, kind, payload, self.tracking_uri)
            log.warning("%s", redact(f"MLflow at {self.tracking_uri}: {reason(e)}; event spooled to {self.spool.directory} "
                                     f"(replay: {replay_command(self.spool.directory)})"))

    def apply(self, kind: str, payload: dict[str, Any]) -> None:
        # MLflow prints "View run … at: URL" on stdout: keep stdout for the caller's own output (JSON)
        with bounded_requests(self.timeout_s), contextlib.redirect_stdout(sys.stderr):
            recorder = self._recorder or Recorder(self.tracking_uri, self.experiment)
            self._recorder = recorder
            run = RunInfo.from_dict(payload["run"])
            if kind == "pipeline_started":
                recorder.pipeline_started(run)
                self.parent_run_id = recorder.parent(run)[1]
            elif kind == "task_finished":
                recorder.task_finished(run, TaskEvent.from_dict(payload["task"]))
            elif kind == "pipeline_finished":
                recorder.pipeline_finished(run)
            else:
                raise ValueError(f"unknown event kind {kind!r}")


def _light(run: RunInfo) -> dict[str, Any]:
    """The run without its documents: only pipeline_started logs them (spooled events stay small)."""
    return {**run.to_dict(), "documents": {}}


def _ms(seconds: Optional[float]) -> Optional[int]:
    return int(seconds * 1000) if seconds is not None else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _slice_name(value: Any) -> str:
    """A slice as part of a metric name and a file name: MLflow allows few characters."""
    return re.sub(r"[^\w\-. ]", "_", str(value))


def _quote(value: str) -> str:
    return value.replace("'", "\\'")


class Recorder:
    """The MLflow side of each event; every method may be called again with the same event."""

    def __init__(self, tracking_uri: str, experiment: Optional[str]) -> None:
        self.client = mlflow_client(tracking_uri)
        self.experiment = experiment

    # -- runs ---------------------------------------------------------------------------
    def experiment_id(self, run: RunInfo) -> str:
        name = self.experiment or run.experiment or run.pipeline
        found = self.client.get_experiment_by_name(name)
        if found is not None:
            return found.experiment_id
        try:
            return self.client.create_experiment(name, tags={"tekflow.pipeline": run.pipeline})
        except Exception:  # created meanwhile by another step
            return self.client.get_experiment_by_name(name).experiment_id

    def _find(self, experiment_id: str, tags: dict[str, str]):
        query = " and ".join(f"tags.`{k}` = '{_quote(v)}'" for k, v in tags.items())
        runs = self.client.search_runs([experiment_id], filter_string=query, max_results=2)
        return runs[0] if runs else None

    def parent(self, run: RunInfo) -> tuple[str, str]:
        experiment_id = self.experiment_id(run)
        found = self._find(experiment_id, {"tekflow.run_uid": run.run_uid, "tekflow.kind": "pipeline"})
        if found is not None:
            return experiment_id, found.info.run_id
        tags = {"tekflow.run_uid": run.run_uid, "tekflow.kind": "pipeline", "tekflow.pipeline": run.pipeline,
                "tekflow.run_name": run.run_name, **run.tags}
        created = self.client.create_run(experiment_id, start_time=_ms(run.started), tags=tags,
                                         run_name=run.run_name)
        return experiment_id, created.info.run_id

    def pipeline_started(self, run: RunInfo) -> None:
        from mlflow.entities import Param

        _, run_id = self.parent(run)
        params = [Param(k, _text(v)[:PARAM_LIMIT]) for k, v in sorted(run.params.items())]
        existing = self.client.get_run(run_id).data.params
        params = [p for p in params if p.key not in existing]
        if params:
            self.client.log_batch(run_id, params=params)
        artifacts = {a.path for a in self.client.list_artifacts(run_id)}
        for name, text in sorted(run.documents.items()):
            if name not in artifacts:
                self.client.log_text(run_id, text, name)

    def pipeline_finished(self, run: RunInfo) -> None:
        from mlflow.entities import Metric, RunTag

        _, run_id = self.parent(run)
        info = self.client.get_run(run_id).info
        if info.status in TERMINAL:
            return
        metrics = []
        # a cluster's tracking-finish does not know the start: the run's start_time does
        started = run.started or (info.start_time / 1000 if info.start_time else None)
        if started and run.finished:
            metrics.append(Metric("duration_s", run.finished - started, _ms(run.finished), 0))
        tags = [RunTag("tekflow.status", run.status)] + ([RunTag("tekflow.reason", run.reason)] if run.reason else [])
        self.client.log_batch(run_id, metrics=metrics, tags=tags)
        status = REASON_STATUS.get(run.reason) or RUN_STATUS.get(run.status, "FAILED")
        self.client.set_terminated(run_id, status, end_time=_ms(run.finished))

    # -- tasks --------------------------------------------------------------------------
    def task_finished(self, run: RunInfo, task: TaskEvent) -> None:
        from mlflow.entities import Metric, Param, RunTag

        experiment_id, parent_id = self.parent(run)
        key = {"tekflow.run_uid": run.run_uid, "tekflow.kind": "task", "tekflow.task": task.task,
               "tekflow.iteration": task.iteration or "none"}
        found = self._find(experiment_id, key)
        if found is not None and found.info.status in TERMINAL:
            if task.retry_count <= int(found.data.tags.get("tekflow.retry_count") or 0):
                return  # already recorded: a replay, a re-run publish, or an earlier attempt arriving late
            # a later attempt of a retried task: reopen the run the failed attempt closed
            self.client.update_run(found.info.run_id, status="RUNNING")
        name = task.task + (f"[{task.iteration}]" if task.iteration else "")
        run_id = found.info.run_id if found else self.client.create_run(
            experiment_id, start_time=_ms(task.started), run_name=name,
            tags={**key, "mlflow.parentRunId": parent_id, "tekflow.kfp_task": task.kfp_task}).info.run_id
        now = _ms(task.finished or time.time())
        step = task.retry_count  # each attempt's metrics under their own step: the last attempt's are latest
        recorded_params = found.data.params if found else {}
        params = [Param(k, _text(v)[:PARAM_LIMIT]) for k, v in sorted(task.params.items()) if k not in recorded_params]
        tags = [RunTag("tekflow.status", task.status), RunTag("tekflow.cache_hit", str(task.cache_hit).lower()),
                RunTag("tekflow.retry_count", str(task.retry_count))]
        if task.image:
            tags.append(RunTag("tekflow.image", task.image))
        if task.resources:
            tags.append(RunTag("tekflow.resources", _text(task.resources)[:TAG_LIMIT]))
        if task.error:
            tags.append(RunTag("tekflow.error", task.error[:TAG_LIMIT]))
        for output, value in sorted(task.outputs.items()):
            tags.append(RunTag(f"tekflow.output.{output}", _text(value)[:TAG_LIMIT]))
        for artifact in task.artifacts:
            tags.append(RunTag(f"tekflow.artifact.{artifact.name}", artifact.uri))
        tags.append(RunTag("tekflow.artifacts", json.dumps(sorted(a.uri for a in task.artifacts))[:TAG_LIMIT]))
        tags.append(RunTag("tekflow.inputs", json.dumps(sorted(a.uri for a in task.inputs))[:TAG_LIMIT]))
        metrics = [Metric("retry_count", task.retry_count, now, step)]
        if task.duration_s is not None:
            metrics.append(Metric("duration_s", task.duration_s, now, step))
        for artifact in task.artifacts:
            if artifact.type in METRIC_TYPES:
                metrics += [Metric(k, float(v), now, step) for k, v in sorted(artifact.metadata.items())
                            if isinstance(v, (int, float)) and not isinstance(v, bool)]
            elif artifact.type in CLASSIFICATION_TYPES:
                metrics += self._classification(run_id, artifact, now, step)
        if found is not None:
            self._drop_stale_tags(run_id, found.data.tags, {t.key for t in tags})
        self.client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
        self._datasets(run_id, task)
        self._models(experiment_id, run_id, run, task)
        self.client.set_terminated(run_id, RUN_STATUS.get(task.status, "FAILED"), end_time=now)

    def _drop_stale_tags(self, run_id: str, recorded: dict[str, str], current: set[str]) -> None:
        """An earlier attempt's error and outputs that this attempt does not have."""
        for key in recorded:
            if key not in current and key.startswith(ATTEMPT_TAG_PREFIXES):
                self.client.delete_tag(run_id, key)

    def _classification(self, run_id: str, artifact: ArtifactRef, now: int, step: int = 0) -> list:
        """KFP ClassificationMetrics, and each slice of SlicedClassificationMetrics (KFP keeps a
        slice's as evaluationSlices[i].sliceClassificationMetrics): the accuracy as a metric
        `<artifact>[.<slice>].accuracy`, the confusion matrix and ROC points as tables."""
        from mlflow.entities import Metric

        if artifact.type == "system.SlicedClassificationMetrics":
            parts = [(f"{artifact.name}.{_slice_name(entry['slice'])}" if entry.get("slice") else artifact.name,
                      entry.get("sliceClassificationMetrics") or {})
                     for entry in artifact.metadata.get("evaluationSlices") or []]
        else:
            parts = [(artifact.name, artifact.metadata)]
        metrics = []
        tables: dict[str, dict[str, list]] = {}
        for prefix, values in parts:
            matrix = values.get("confusionMatrix")
            if matrix:
                # KFP: {"annotationSpecs": [{"displayName"}], "rows": [{"row": [counts]}]}, a row per actual label
                specs = matrix.get("annotationSpecs") or []
                labels = [spec.get("displayName", str(i)) for i, spec in enumerate(specs)]
                rows = [r.get("row", []) for r in matrix.get("rows", [])]
                cells = [(labels[i] if i < len(labels) else str(i), labels[j] if j < len(labels) else str(j), count)
                         for i, row in enumerate(rows) for j, count in enumerate(row)]
                total = sum(count for _, _, count in cells)
                if total:
                    correct = sum(row[i] for i, row in enumerate(rows) if i < len(row))
                    metrics.append(Metric(f"{prefix}.accuracy", correct / total, now, step))
                tables[f"{prefix}_confusion_matrix.json"] = {"actual": [c[0] for c in cells],
                                                             "predicted": [c[1] for c in cells],
                                                             "count": [c[2] for c in cells]}
            curve = values.get("confidenceMetrics")
            if curve:
                columns = sorted({k for point in curve for k in point})
                tables[f"{prefix}_roc.json"] = {c: [p.get(c) for p in curve] for c in columns}
        self._log_tables(run_id, tables)
        self.client.log_dict(run_id, artifact.metadata, f"{artifact.name}.json")
        return metrics

    def _log_tables(self, run_id: str, tables: dict[str, dict[str, list]]) -> None:
        """Tables as MlflowClient.log_table writes them (mlflow.load_table reads them), but replaced,
        not appended to: a replayed event or a later attempt must not double their rows."""
        if not tables:
            return
        for path, columns in sorted(tables.items()):
            self.client.log_dict(run_id, {"columns": list(columns), "data": [list(r) for r in zip(*columns.values())]},
                                 path)
        logged = json.loads(self.client.get_run(run_id).data.tags.get(LOGGED_ARTIFACTS_TAG, "[]"))
        added = [{"path": path, "type": "table"} for path in sorted(tables)]
        if any(entry not in logged for entry in added):
            self.client.set_tag(run_id, LOGGED_ARTIFACTS_TAG,
                                json.dumps(logged + [e for e in added if e not in logged]))

    def _datasets(self, run_id: str, task: TaskEvent) -> None:
        """Dataset artifacts a task read become the dataset inputs of its run, producer recorded."""
        from mlflow.entities import Dataset, DatasetInput, InputTag

        inputs = []
        for artifact in task.inputs:
            if artifact.type != "system.Dataset":
                continue
            digest = hashlib.sha256((artifact.uri + json.dumps(artifact.metadata, sort_keys=True)).encode()).hexdigest()
            dataset = Dataset(name=artifact.name, digest=digest[:16], source_type="tekflow-artifact",
                              source=json.dumps({"uri": artifact.uri}), schema=None,
                              profile=json.dumps(artifact.metadata, sort_keys=True)[:TAG_LIMIT] or None)
            tags = [InputTag("mlflow.data.context", "input")]
            if artifact.producer:
                tags.append(InputTag("tekflow.producer", artifact.producer))
            inputs.append(DatasetInput(dataset, tags))
        models = [m for m in (self._model_input(a) for a in task.inputs if a.type == "system.Model") if m]
        if inputs or models:
            self.client.log_inputs(run_id, datasets=inputs or None, models=models or None)

    def _model_input(self, artifact: ArtifactRef):
        from mlflow.entities import LoggedModelInput

        model = self.find_model(artifact.uri)
        return LoggedModelInput(model.model_id) if model else None

    def find_model(self, uri: str):
        experiments = [e.experiment_id for e in self.client.search_experiments()]
        found = self.client.search_logged_models(experiments, filter_string=f"tags.`tekflow.uri` = '{_quote(uri)}'",
                                                 max_results=1)
        return found[0] if found else None

    def _models(self, experiment_id: str, run_id: str, run: RunInfo, task: TaskEvent) -> None:
        """Model artifacts become LoggedModels linked to the run and the datasets it read."""
        from mlflow.entities import LoggedModelOutput

        outputs = []
        for artifact in task.artifacts:
            if artifact.type != "system.Model" or task.status != "Succeeded":
                continue
            if self.find_model(artifact.uri) is not None:
                continue
            tags = {"tekflow.uri": artifact.uri, "tekflow.run_uid": run.run_uid, "tekflow.task": task.task,
                    "tekflow.datasets": json.dumps(sorted(a.uri for a in task.inputs if a.type == "system.Dataset"))}
            params = {k: _text(v)[:PARAM_LIMIT] for k, v in sorted(artifact.metadata.items())}
            model = self.client.create_logged_model(experiment_id, name=artifact.name, source_run_id=run_id,
                                                    tags=tags, params=params or None, model_type="tekflow")
            self.client.finalize_logged_model(model.model_id, "READY")
            outputs.append(LoggedModelOutput(model.model_id, 0))
        if outputs:
            self.client.log_outputs(run_id, outputs)
