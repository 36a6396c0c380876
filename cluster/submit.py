"""What `tekflow submit` creates: the objects of a source (compiled when it is a KFP pipeline,
as they are when it is Tekton YAML), labelled with where they came from, in one namespace."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from tekflow.errors import TekflowError

from . import labels as provenance_labels
from .client import Cluster


@dataclass
class Submission:
    """The objects to create, in order (Tasks before the PipelineRun that names them)."""

    documents: list[dict[str, Any]]
    namespace: Optional[str]  # None: the connection's default
    warnings: list[str] = field(default_factory=list)

    @property
    def pipelinerun(self) -> dict[str, Any]:
        return next(d for d in self.documents if d.get("kind") == "PipelineRun")


def is_tekton_yaml(source: Path) -> bool:
    """A YAML/JSON file of Kubernetes objects (apiVersion and kind), not KFP IR and not Python."""
    if source.suffix not in (".yaml", ".yml", ".json") or not source.is_file():
        return False
    try:
        documents = list(yaml.safe_load_all(source.read_text()))
    except (yaml.YAMLError, UnicodeDecodeError):
        return False
    return any(isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in documents)


def prepare(source: Path, params: list[str], namespace: Optional[str] = None, pipeline_name: Optional[str] = None,
            compile_options: Optional[dict[str, Any]] = None, env: Optional[Mapping[str, str]] = None) -> Submission:
    """Compile or load `source`, set its params and namespace, add provenance labels."""
    from tekflow.compiler.parameters import parse_assignments

    assignments = parse_assignments(list(params))
    if is_tekton_yaml(source):
        if pipeline_name is not None:
            raise TekflowError(f"{source}: --pipeline {pipeline_name!r} chooses among the pipelines of a .py file; "
                               "a PipelineRun file holds one run: leave --pipeline out")
        if compile_options:
            raise TekflowError(f"{source}: --{next(iter(compile_options)).replace('_', '-')} is a compile option; "
                               "a PipelineRun file is submitted as it is")
        submission = Submission(_load_yaml(source), namespace)
        _set_params(submission.pipelinerun, assignments, source)
    else:
        submission = _compile(source, assignments, pipeline_name, compile_options or {})
    run = submission.pipelinerun
    file_namespaces = {d["metadata"].get("namespace") for d in submission.documents} - {None}
    if namespace is None and len(file_namespaces) > 1:
        raise TekflowError(f"{source}: objects in several namespaces ({', '.join(sorted(file_namespaces))}); "
                           "give -n")
    if namespace is not None and file_namespaces - {namespace}:
        raise TekflowError(f"{source}: the run is for namespace {sorted(file_namespaces)[0]!r} but -n says "
                           f"{namespace!r}: drop one of them")
    submission.namespace = namespace or (next(iter(file_namespaces)) if file_namespaces else None)
    for document in submission.documents:
        document["metadata"].pop("namespace", None)  # the namespace is the request's
    labels, annotations = provenance_labels.provenance(source, pipeline_of(run), env)
    meta = run["metadata"]
    # the facts of this submission replace those a file may carry from an earlier one
    facts = provenance_labels.FACTS
    meta["labels"] = {**labels, **{k: v for k, v in (meta.get("labels") or {}).items() if k not in facts}}
    meta["annotations"] = {**{k: v for k, v in (meta.get("annotations") or {}).items() if k not in facts},
                           **annotations}
    return submission


def pipeline_of(run: dict[str, Any]) -> Optional[str]:
    meta, spec = run.get("metadata") or {}, run.get("spec") or {}
    return ((meta.get("labels") or {}).get(provenance_labels.PIPELINE)
            or (meta.get("annotations") or {}).get("tekflow.dev/pipeline-name")
            or (spec.get("pipelineRef") or {}).get("name")
            or (meta.get("generateName") or "").rstrip("-") or meta.get("name"))


def _compile(source: Path, assignments: dict[str, str], pipeline_name: Optional[str],
             options: dict[str, Any]) -> Submission:
    """Exactly what `tekflow compile` does, as data."""
    from tekflow.compiler import Compiler
    from tekflow.compiler.serde import to_data

    compiler = Compiler()
    documents = compiler.compile_to_documents(source, assignments, pipeline_name, **options)
    return Submission([to_data(d) for d in documents], None, list(compiler.warnings))


def _load_yaml(source: Path) -> list[dict[str, Any]]:
    try:
        documents = [d for d in yaml.safe_load_all(source.read_text()) if d is not None]
    except yaml.YAMLError as e:
        raise TekflowError(f"{source}: not valid YAML ({type(e).__name__})") from None
    for i, d in enumerate(documents):
        if not isinstance(d, dict) or not d.get("apiVersion") or not d.get("kind") or \
                not isinstance(d.get("metadata"), dict):
            raise TekflowError(f"{source}: document {i + 1} is not a Kubernetes object (apiVersion, kind, metadata)")
        if "/" not in d["apiVersion"]:
            raise TekflowError(f"{source}: document {i + 1} is a core {d['kind']}; submit creates Tekton objects "
                               "(and PodGroups) only: create it with kubectl")
    runs = [d for d in documents if d["kind"] == "PipelineRun"]
    if len(runs) != 1:
        raise TekflowError(f"{source}: expected one PipelineRun, found {len(runs)}")
    if not runs[0]["apiVersion"].startswith("tekton.dev/"):
        raise TekflowError(f"{source}: the PipelineRun is {runs[0]['apiVersion']}, not tekton.dev")
    if runs[0]["apiVersion"] != "tekton.dev/v1":
        raise TekflowError(f"{source}: the PipelineRun is {runs[0]['apiVersion']}; tekflow submits tekton.dev/v1")
    meta = runs[0]["metadata"]
    if not meta.get("name") and not meta.get("generateName"):
        raise TekflowError(f"{source}: the PipelineRun has neither metadata.name nor metadata.generateName")
    return copy.deepcopy(documents)


def tekton_param_value(text: str) -> Any:
    """A -p value for a Tekton file: a JSON array or object stays one, anything else is a string."""
    if text.startswith(("[", "{")):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
    return text


def _set_params(run: dict[str, Any], assignments: dict[str, str], source: Path) -> None:
    if not assignments:
        return
    spec = run.setdefault("spec", {})
    embedded = spec.get("pipelineSpec")
    if embedded is not None:
        declared = {p["name"] for p in embedded.get("params") or []}
        unknown = sorted(set(assignments) - declared)
        if unknown:
            raise TekflowError(f"{source}: unknown parameter {unknown[0]!r}; the pipeline's parameters are: "
                               f"{', '.join(sorted(declared)) or 'none'}")
    given = {p["name"]: p for p in spec.get("params") or []}
    for name, text in assignments.items():
        given[name] = {"name": name, "value": tekton_param_value(text)}
    spec["params"] = list(given.values())


@dataclass
class Submitted:
    name: str
    namespace: str
    uid: str
    created: list[str]  # "Kind/name" of every object created or replaced, in order
    pipelinerun: dict[str, Any]


def submit(cluster: Cluster, submission: Submission) -> Submitted:
    """Create the objects; Tasks and Pipelines replace those of the same name (named by content when
    compiled with --task-documents), the PipelineRun is always new."""
    namespace = submission.namespace or cluster.connection.namespace
    created: list[str] = []
    run: Optional[dict[str, Any]] = None
    for document in submission.documents:
        if document["kind"] == "PipelineRun":
            run = cluster.create(document, namespace)
            created.append(f"PipelineRun/{run['metadata']['name']}")
        else:
            obj = cluster.replace(document, namespace)
            created.append(f"{document['kind']}/{obj['metadata']['name']}")
    assert run is not None
    return Submitted(run["metadata"]["name"], namespace, run["metadata"].get("uid", ""), created, run)
