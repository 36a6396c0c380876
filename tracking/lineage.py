"""Lineage: which data, tasks and parameters produced a run's outputs, a model or an artifact.

Read back from MLflow: the pipeline run and its task runs (tags `tekflow.*`), their dataset
inputs (with the producing task), their output artifacts, and LoggedModels with their source run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional

from tekflow.errors import TekflowError
from tekflow.redact import redact

from .client import check_tracking_uri, mlflow_client, mlflow_errors


@dataclass
class Node:
    id: str
    kind: str  # pipeline | task | dataset | model | artifact | param
    label: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Edge:
    source: str
    target: str
    relation: str  # produced | consumed | contains | parameter


@dataclass
class LineageGraph:
    root: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def add(self, node: Node) -> str:
        self.nodes.setdefault(node.id, node)
        return node.id

    def link(self, source: str, target: str, relation: str) -> None:
        edge = Edge(source, target, relation)
        if edge not in self.edges:
            self.edges.append(edge)

    # -- renderers ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"root": self.root,
                "nodes": [{"id": n.id, "kind": n.kind, "label": n.label, **({"attributes": n.attributes}
                                                                             if n.attributes else {})}
                          for n in sorted(self.nodes.values(), key=lambda n: (n.kind, n.id))],
                "edges": [{"from": e.source, "to": e.target, "relation": e.relation}
                          for e in sorted(self.edges, key=lambda e: (e.source, e.target, e.relation))]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def to_mermaid(self) -> str:
        ids = {nid: f"n{i}" for i, nid in enumerate(sorted(self.nodes))}
        shapes = {"pipeline": ("[[", "]]"), "task": ("[", "]"), "dataset": ("[(", ")]"), "model": ("{{", "}}"),
                  "artifact": ("[/", "/]"), "param": ("([", "])")}
        lines = ["graph LR"]
        for nid in sorted(self.nodes):
            node = self.nodes[nid]
            left, right = shapes.get(node.kind, ("[", "]"))
            lines.append(f'  {ids[nid]}{left}"{node.kind}: {node.label}"{right}')
        for e in sorted(self.edges, key=lambda e: (e.source, e.target)):
            lines.append(f"  {ids[e.source]} -->|{e.relation}| {ids[e.target]}")
        return "\n".join(lines)

    def to_text(self) -> str:
        """An indented tree: the root, then what it came from, upstream first."""
        upstream: dict[str, list[tuple[str, str]]] = {}
        for e in self.edges:
            if e.relation in ("produced", "consumed", "parameter"):
                # produced: task -> output ; consumed: input -> task ; parameter: param -> task
                child, parent = (e.target, e.source)
                upstream.setdefault(child, []).append((parent, e.relation))
        contains = {}
        for e in self.edges:
            if e.relation == "contains":
                contains.setdefault(e.source, []).append(e.target)
        lines: list[str] = []
        seen: set[str] = set()

        def show(nid: str, depth: int, relation: str = "") -> None:
            node = self.nodes[nid]
            extra = ""
            if node.attributes.get("status"):
                extra = f"  [{node.attributes['status']}]"
            prefix = "  " * depth + ("<- " if depth else "")
            lines.append(f"{prefix}{node.kind} {node.label}{extra}" + (f"  ({relation})" if relation else ""))
            if nid in seen:
                return
            seen.add(nid)
            for parent, rel in sorted(upstream.get(nid, [])):
                show(parent, depth + 1, rel)

        root = self.nodes[self.root]
        if root.kind == "pipeline":
            lines.append(f"pipeline {root.label}  [{root.attributes.get('status', '')}]")
            for param in sorted(e.source for e in self.edges if e.target == root.id and e.relation == "parameter"):
                lines.append(f"  param {self.nodes[param].label}")
            for task in sorted(contains.get(root.id, []), key=lambda t: self.nodes[t].label):
                show(task, 1)
        else:
            show(self.root, 0)
        return "\n".join(lines)


def lineage(ref: str, tracking_uri: str, timeout_s: float = 10.0) -> LineageGraph:
    """The upstream graph of a pipeline run id, a task run id, a model (`models:/ID` or its URI)
    or an artifact URI. An unusable or unreachable store is a TekflowError, within `timeout_s`
    per request (no retries)."""
    check_tracking_uri(tracking_uri)
    with mlflow_errors(tracking_uri, timeout_s):
        client = mlflow_client(tracking_uri)
        client.search_experiments(max_results=1)  # reach the store once: its faults are not "not found"
        return _lineage(ref, tracking_uri, _Builder(client))


def _lineage(ref: str, tracking_uri: str, builder: "_Builder") -> LineageGraph:
    run = builder.get_run(ref)
    if run is not None:
        kind = run.data.tags.get("tekflow.kind")
        if kind == "pipeline":
            return builder.pipeline(run)
        if kind == "task":
            graph = LineageGraph(root=f"task:{run.info.run_id}")
            builder.task_upstream(graph, run)
            return graph
        raise TekflowError(f"run {ref} was not recorded by tekflow (no tekflow.kind tag)")
    model = builder.model(ref)
    if model is not None:
        graph = LineageGraph(root=f"model:{model.model_id}")
        builder.add_model(graph, model)
        return graph
    producer = builder.producer_of(ref)
    if producer is None:
        raise TekflowError(f"{ref!r} is neither a tekflow run id, a model nor an artifact URI recorded in "
                           f"{redact(tracking_uri)}")
    graph = LineageGraph(root=f"artifact:{ref}")
    graph.add(Node(f"artifact:{ref}", "artifact", ref))
    task_id = builder.task_upstream(graph, producer)
    graph.link(task_id, f"artifact:{ref}", "produced")
    return graph


class _Builder:
    def __init__(self, client) -> None:
        self.client = client
        self._tasks: Optional[list] = None

    def get_run(self, ref: str):
        if ref.startswith("models:/") or "://" in ref or "/" in ref:
            return None
        try:
            return self.client.get_run(ref)
        except Exception:
            return None

    def model(self, ref: str):
        if ref.startswith("models:/"):
            try:
                return self.client.get_logged_model(ref[len("models:/"):])
            except Exception:
                return None
        experiments = [e.experiment_id for e in self.client.search_experiments()]
        quoted = ref.replace("'", "\\'")
        found = self.client.search_logged_models(experiments, filter_string=f"tags.`tekflow.uri` = '{quoted}'",
                                                 max_results=1)
        return found[0] if found else None

    def all_tasks(self) -> list:
        if self._tasks is None:
            experiments = [e.experiment_id for e in self.client.search_experiments()]
            self._tasks = list(self.client.search_runs(experiments, "tags.`tekflow.kind` = 'task'", max_results=5000))
        return self._tasks

    def producer_of(self, uri: str, run_uid: Optional[str] = None):
        for run in self.all_tasks():
            if run_uid and run.data.tags.get("tekflow.run_uid") != run_uid:
                continue
            if uri in json.loads(run.data.tags.get("tekflow.artifacts", "[]")):
                return run
        return None

    def pipeline(self, run) -> LineageGraph:
        graph = LineageGraph(root=f"pipeline:{run.info.run_id}")
        pid = graph.add(Node(f"pipeline:{run.info.run_id}", "pipeline", run.info.run_name,
                             {"status": run.data.tags.get("tekflow.status", run.info.status),
                              "run_id": run.info.run_id}))
        for key, value in sorted(run.data.params.items()):
            param = graph.add(Node(f"param:{run.info.run_id}:{key}", "param", f"{key}={value}"))
            graph.link(param, pid, "parameter")
        children = self.client.search_runs([run.info.experiment_id],
                                           f"tags.`mlflow.parentRunId` = '{run.info.run_id}'", max_results=5000)
        for child in children:
            graph.link(pid, self.task_upstream(graph, child, follow=False), "contains")
        return graph

    def task_upstream(self, graph: LineageGraph, run, follow: bool = True) -> str:
        tags = run.data.tags
        tid = graph.add(Node(f"task:{run.info.run_id}", "task", run.info.run_name,
                             {"status": tags.get("tekflow.status", ""), "run_id": run.info.run_id}))
        for key, value in sorted(run.data.params.items()):
            param = graph.add(Node(f"param:{run.info.run_id}:{key}", "param", f"{key}={value}"))
            graph.link(param, tid, "parameter")
        for dataset_input in run.inputs.dataset_inputs:
            dataset = dataset_input.dataset
            uri = json.loads(dataset.source).get("uri", dataset.source)
            did = graph.add(Node(f"dataset:{uri}", "dataset", f"{dataset.name} {uri}"))
            graph.link(did, tid, "consumed")
            producer_tag = {t.key: t.value for t in dataset_input.tags}.get("tekflow.producer")
            if follow and producer_tag:
                producer = self.producer_of(uri, tags.get("tekflow.run_uid"))
                if producer is not None and f"task:{producer.info.run_id}" not in graph.nodes:
                    graph.link(self.task_upstream(graph, producer), did, "produced")
                elif producer is not None:
                    graph.link(f"task:{producer.info.run_id}", did, "produced")
        for name, value in tags.items():
            if name.startswith("tekflow.artifact."):
                aid = f"dataset:{value}"
                if aid not in graph.nodes:
                    graph.add(Node(f"artifact:{value}", "artifact", f"{name[len('tekflow.artifact.'):]} {value}"))
                    aid = f"artifact:{value}"
                graph.link(tid, aid, "produced")
        # search_runs leaves model inputs out; get_run has them
        for model_input in getattr(self.client.get_run(run.info.run_id).inputs, "model_inputs", []) or []:
            model = self.client.get_logged_model(model_input.model_id)
            graph.link(self.add_model(graph, model, follow=follow), tid, "consumed")
        return tid

    def add_model(self, graph: LineageGraph, model, follow: bool = True) -> str:
        mid = graph.add(Node(f"model:{model.model_id}", "model", f"{model.name} models:/{model.model_id}",
                             {"uri": model.tags.get("tekflow.uri", "")}))
        if follow and model.source_run_id:
            source = self.client.get_run(model.source_run_id)
            graph.link(self.task_upstream(graph, source), mid, "produced")
        return mid
