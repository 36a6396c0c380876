"""The in-toto Statement of a run on the cluster (tekflow.tracking.provenance), from the
PipelineRun and the Tekton Chains type-hinted results of its TaskRuns."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from .client import Cluster
from .model import RunState


def facts_of(cluster: Cluster, state: RunState, pipelinerun: dict[str, Any], source: Optional[Path] = None):
    from tekflow.tracking.provenance import RunFacts

    spec = pipelinerun.get("spec") or {}
    return RunFacts(
        name=state.name, uid=state.uid, pipeline=state.pipeline or state.name, executor="tekton",
        builder_id=f"{cluster.server}/apis/tekton.dev/v1/namespaces/{state.namespace}/pipelineruns",
        pipelinerun=spec, parameters={p.get("name"): p.get("value") for p in spec.get("params") or []},
        task_results={name: [run.results for run in task.taskruns] for name, task in state.tasks.items()},
        started=state.started, finished=state.finished, status=state.status, source=source)


def write_statement(cluster: Cluster, state: RunState, path: Path, source: Optional[Path] = None
                    ) -> Optional[dict[str, Any]]:
    from tekflow.tracking.provenance import write

    return write(facts_of(cluster, state, cluster.get_pipelinerun(state.name, state.namespace), source), path)
