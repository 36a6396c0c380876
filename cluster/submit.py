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

from tekflow.compiler import reusable, tekton
from tekflow.compiler.parameters import tekton_value

from . import labels as provenance_labels
from .client import Cluster


@dataclass
class Submission:
    """The objects to create, in order (Tasks before the PipelineRun that names them)."""

    documents: list[dict[str, Any]]
    namespace: Optional[str]  # None: the connection's default
    warnings: list[str] = field(default_factory=list)
    # the prefix of a run name chosen here (not by the user): on a collision, submit chooses another
    name_prefix: Optional[str] = None

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
            compile_options: Optional[dict[str, Any]] = None, env: Optional[Mapping[str, str]] = None,
            run_name: Optional[str] = None) -> Submission:
    """Compile or load `source`, set its params, name and namespace, add provenance labels."""
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
        if run_name is not None:
            name_run(submission, run_name)
    else:
        options = {**(compile_options or {}), **({"run_name": run_name} if run_name else {})}
        submission = _compile(source, assignments, pipeline_name, options)
    _finish(submission, source, namespace, env)
    return submission


def _finish(submission: Submission, source: Optional[Path], namespace: Optional[str],
            env: Optional[Mapping[str, str]]) -> None:
    """One namespace for every object, the run named now when its gangs need it, provenance."""
    run = submission.pipelinerun
    if not run["metadata"].get("name") and _gangs(run):
        name_run(submission, prefix=run["metadata"]["generateName"])
    file_namespaces = {d["metadata"].get("namespace") for d in submission.documents} - {None}
    where = source or "the run"
    if namespace is None and len(file_namespaces) > 1:
        raise TekflowError(f"{where}: objects in several namespaces ({', '.join(sorted(file_namespaces))}); "
                           "give -n")
    if namespace is not None and file_namespaces - {namespace}:
        raise TekflowError(f"{where}: the run is for namespace {sorted(file_namespaces)[0]!r} but -n says "
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


def _gangs(run: dict[str, Any]) -> dict[str, str]:
    text = ((run.get("metadata") or {}).get("annotations") or {}).get(reusable.GANGS_ANNOTATION)
    return json.loads(text) if text else {}


def name_run(submission: Submission, name: Optional[str] = None, prefix: Optional[str] = None) -> None:
    """Name the run `name`, or here (`prefix` and five random characters, as the API server
    would), and its gangs' pod groups after it: concurrent runs of one pipeline must not join
    each other's gangs (Kueue, Volcano and coscheduling group pods by a name)."""
    from tekflow.compiler.podgroup import PodGroup
    from tekflow.compiler.serde import from_data, to_data

    run = submission.pipelinerun
    meta = run["metadata"]
    if name is None:
        assert prefix is not None
        name = reusable.generated_name(prefix)
    meta["name"] = name
    meta.pop("generateName", None)
    submission.name_prefix = prefix
    gangs = _gangs(run)
    if not gangs:
        return
    specs = [from_data(tekton.PipelineTaskRunSpec, s, "taskRunSpecs") for s in run["spec"].get("taskRunSpecs") or []]
    groups = {i: from_data(PodGroup, d, "PodGroup") for i, d in enumerate(submission.documents) if d["kind"] == "PodGroup"}
    gangs = reusable.rename_groups(specs, list(groups.values()), gangs, name)
    run["spec"]["taskRunSpecs"] = [to_data(s) for s in specs]
    meta["annotations"][reusable.GANGS_ANNOTATION] = json.dumps(gangs, sort_keys=True)
    for i, group in groups.items():
        submission.documents[i] = to_data(group)


def prepare_pipeline_ref(cluster: Cluster, pipeline: str, params: list[str], namespace: Optional[str],
                         run_name: Optional[str] = None, run_timeout: Optional[str] = None,
                         service_account: Optional[str] = None,
                         env: Optional[Mapping[str, str]] = None) -> Submission:
    """A run of the Pipeline `pipeline` that is on the cluster (see run_of_pipeline)."""
    namespace = namespace or cluster.connection.namespace
    submission = run_of_pipeline(cluster.get_pipeline(pipeline, namespace), params, run_name, run_timeout,
                                 service_account)
    submission.namespace = namespace
    _finish(submission, None, namespace, env)
    return submission


def run_of_pipeline(found: dict[str, Any], params: list[str], run_name: Optional[str] = None,
                    run_timeout: Optional[str] = None, service_account: Optional[str] = None) -> Submission:
    """A PipelineRun naming the Pipeline `found` (as the API returns it): its -p values typed as
    the Pipeline's parameters, and the workspaces, pod placement and PodGroups its tekflow
    annotations record (tekflow.compiler.reusable)."""
    from tekflow.compiler.names import dns_label
    from tekflow.compiler.parameters import parse_assignments
    from tekflow.compiler.serde import to_data

    pipeline = found["metadata"]["name"]
    template, parameters = reusable.read_pipeline(found)
    spec = found.get("spec") or {}
    bound = {w.name for w in template.workspaces}
    unbound = [w["name"] for w in spec.get("workspaces") or [] if w["name"] not in bound and not w.get("optional")]
    if unbound:
        raise TekflowError(f"Pipeline {pipeline} declares workspaces tekflow does not know how to bind "
                           f"({', '.join(unbound)}): it was not compiled by tekflow; start it with tkn pipeline start")
    metadata = found.get("metadata") or {}
    run = tekton.PipelineRun(
        metadata=tekton.ObjectMeta(
            name=run_name, generate_name=None if run_name else f"{dns_label(pipeline)[:57]}-",
            labels={provenance_labels.PIPELINE: (metadata.get("labels") or {}).get(provenance_labels.PIPELINE)
                    or dns_label(pipeline), "app.kubernetes.io/managed-by": "tekflow"}),
        spec=tekton.PipelineRunSpec(
            pipeline_ref=tekton.PipelineRef(name=pipeline),
            params=reusable.run_params(pipeline, spec.get("params") or [], parameters,
                                       parse_assignments(list(params))),
            workspaces=template.workspaces,
            task_run_specs=template.task_run_specs,
            timeouts=tekton.TimeoutFields(pipeline=run_timeout) if run_timeout else None,
            task_run_template=tekton.TaskRunTemplate(service_account_name=service_account)
            if service_account else None))
    annotations = metadata.get("annotations") or {}
    if reusable.GANGS_ANNOTATION in annotations:  # Tekton copies it too, but only once it reconciles the run
        run.metadata.annotations[reusable.GANGS_ANNOTATION] = annotations[reusable.GANGS_ANNOTATION]
    submission = Submission([to_data(run), *(to_data(g) for g in template.pod_groups)], None)
    if run_name is not None:
        name_run(submission, run_name)
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
    from tekflow.compiler import ir as ir_loader
    from tekflow.compiler.names import dns_label
    from tekflow.compiler.serde import to_data

    compiler = Compiler()
    pipeline_ir = ir_loader.load(source, pipeline_name)
    prefix = None
    if options.get("run_name") is None:  # named here, so that its gangs are named after it
        prefix = f"{dns_label(pipeline_ir.spec.pipeline_info.name)[:57]}-"
        options = {**options, "run_name": reusable.generated_name(prefix)}
    documents = compiler.compile_to_documents(pipeline_ir, assignments, **options)
    return Submission([to_data(d) for d in documents], None, list(compiler.warnings), name_prefix=prefix)


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
        given[name] = {"name": name, "value": tekton_value(text)}
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
            run = _create_run(cluster, submission, namespace)
            created.append(f"PipelineRun/{run['metadata']['name']}")
        elif run is not None and document["kind"] == "PodGroup":  # the run's own: deleted with it
            document["metadata"]["ownerReferences"] = [owner_reference(run)]
            obj = cluster.create(document, namespace)
            created.append(f"PodGroup/{obj['metadata']['name']}")
        else:
            obj = cluster.replace(document, namespace)
            created.append(f"{document['kind']}/{obj['metadata']['name']}")
    assert run is not None
    return Submitted(run["metadata"]["name"], namespace, run["metadata"].get("uid", ""), created, run)


# Attempts at a run name chosen here: a collision (1 in 14 million per existing run of the
# pipeline) is retried with a fresh name, as clients of generateName are expected to.
NAME_ATTEMPTS = 3


def _create_run(cluster: Cluster, submission: Submission, namespace: str) -> dict[str, Any]:
    from .errors import Rejected

    for attempt in range(NAME_ATTEMPTS):
        try:
            return cluster.create(submission.pipelinerun, namespace)
        except Rejected as e:
            if submission.name_prefix is None or "already exists" not in str(e) or attempt == NAME_ATTEMPTS - 1:
                raise
            name_run(submission, prefix=submission.name_prefix)
    raise AssertionError("unreachable")


def owner_reference(run: dict[str, Any]) -> dict[str, Any]:
    """The run owns the object: Kubernetes' garbage collector deletes it with the run."""
    return {"apiVersion": run["apiVersion"], "kind": run["kind"], "name": run["metadata"]["name"],
            "uid": run["metadata"]["uid"]}
