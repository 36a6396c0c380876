"""A run's provenance: an in-toto Statement with an SLSA Provenance v1 predicate.

Subjects are the run's output artifacts with their sha256 digests, read from the Tekton Chains
type-hinted results every task writes (`<output>-ARTIFACT_OUTPUTS`, see compiler/passes/tasks.py),
so a local run and a cluster run describe themselves from the same facts. Resolved dependencies
are the pipeline's source file (its sha256 and git commit) and the PipelineRun that ran (the
sha256 of its `spec` as JSON, keys sorted, no spaces). External parameters are the run's parameters.

Built with the in-toto attestation library's own types (Statement, ResourceDescriptor, the SLSA
Provenance v1 message) and checked with its validation before it is written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from tekflow.runtime.digests import CHAINS_SUFFIX

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
BUILD_TYPE = "https://tekflow.dev/provenance/pipelinerun/v1"
FILE_NAME = "provenance.intoto.json"
DIGEST_LENGTHS = {"sha256": 64, "sha512": 128, "sha1": 40}  # hex characters


@dataclass
class RunFacts:
    """What a finished run says about itself, wherever it ran."""

    name: str
    pipeline: str
    executor: str  # "local" or "tekton"
    builder_id: str  # who ran it: tekflow's local executor, or a cluster's API server and namespace
    pipelinerun: Optional[dict[str, Any]] = None  # the `spec` of the PipelineRun that ran, when known
    parameters: dict[str, Any] = field(default_factory=dict)
    task_results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # task -> each TaskRun's results
    artifacts: list[dict[str, Any]] = field(default_factory=list)  # {name, uri, digest} read elsewhere (manifests)
    git_commit: Optional[str] = None  # of the source, when the source file itself is not at hand
    uid: str = ""
    started: Optional[datetime] = None
    finished: Optional[datetime] = None
    status: str = ""
    source: Optional[Path] = None


def subjects(facts: RunFacts) -> list[dict[str, Any]]:
    """Each output artifact's name (`task/output`), URI and digest, from the type-hinted results
    (and the artifacts the facts list themselves)."""
    found = [subject for subject in (_subject(a["name"], a) for a in facts.artifacts) if subject]
    for task in sorted(facts.task_results):
        for results in facts.task_results[task]:
            for name in sorted(results):
                if not name.endswith(CHAINS_SUFFIX):
                    continue
                hint = results[name]
                if isinstance(hint, str):
                    try:
                        hint = json.loads(hint)
                    except json.JSONDecodeError:
                        continue
                subject = _subject(f"{task}/{name[:-len(CHAINS_SUFFIX)]}", hint or {})
                if subject:
                    found.append(subject)
    return found


def _subject(name: str, artifact: dict[str, Any]) -> Optional[dict[str, Any]]:
    """A subject, when the artifact has a URI and a digest a verifier could check."""
    algorithm, _, value = str(artifact.get("digest", "")).partition(":")
    if algorithm not in DIGEST_LENGTHS or len(value) != DIGEST_LENGTHS[algorithm] or \
            value.strip("0123456789abcdef") or not artifact.get("uri"):
        return None
    return {"name": name, "uri": artifact["uri"], "digest": {algorithm: value}}


def manifest_artifacts(store: Any, root: str, run: str) -> list[dict[str, Any]]:
    """{name, uri, digest} of every artifact the run's manifests record (loop iterations as
    `task[coord]/output`): what a step inside the cluster can read without the TaskRuns."""
    found = []
    top = f"{root.rstrip('/')}/{run}/"
    for uri in store.manifests(root, run):
        where = uri[len(top):].rsplit("/", 1)[0].split("/")  # task[/coord]
        manifest = store.read_json(uri) or {}
        task = where[0] + (f"[{where[1]}]" if len(where) > 1 else "")
        for output, entries in sorted((manifest.get("artifacts") or {}).items()):
            for entry in entries:
                if entry.get("digest"):
                    found.append({"name": f"{task}/{output}", "uri": entry.get("uri"), "digest": entry["digest"]})
    return found


def document_digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def statement(facts: RunFacts) -> Optional[dict[str, Any]]:
    """The Statement as JSON data; None when the run produced no artifact (a Statement needs a subject)."""
    from google.protobuf import json_format
    from google.protobuf.timestamp_pb2 import Timestamp
    from in_toto_attestation.predicates.provenance.v1 import provenance_pb2
    from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
    from in_toto_attestation.v1.statement import Statement

    from tekflow import __version__

    found = subjects(facts)
    if not found:
        return None
    dependencies = []
    if facts.pipelinerun is not None:
        dependencies.append(ResourceDescriptor(name="pipelinerun", media_type="application/json",
                                               digest={"sha256": document_digest(facts.pipelinerun)}))
    if facts.source is None and facts.git_commit:
        dependencies.append(ResourceDescriptor(name="source", digest={"gitCommit": facts.git_commit}))
    if facts.source is not None and facts.source.is_file():
        digest = {"sha256": hashlib.sha256(facts.source.read_bytes()).hexdigest()}
        from tekflow.cluster.labels import git_commit

        commit = git_commit(facts.source)
        if commit is not None:
            digest["gitCommit"] = commit[0]
        dependencies.insert(0, ResourceDescriptor(name=facts.source.name, uri=facts.source.resolve().as_uri(),
                                                  digest=digest))
    for descriptor in dependencies:
        descriptor.validate()

    predicate = provenance_pb2.Provenance()
    definition = predicate.build_definition
    definition.build_type = BUILD_TYPE
    definition.external_parameters.update({"pipeline": facts.pipeline, "parameters": facts.parameters})
    definition.internal_parameters.update({"executor": facts.executor, "pipelineRun": facts.name})
    definition.resolved_dependencies.extend(d.pb for d in dependencies)
    details = predicate.run_details
    details.builder.id = facts.builder_id
    details.builder.version["tekflow"] = __version__
    details.metadata.invocation_id = facts.uid or facts.name
    for moment, target in ((facts.started, details.metadata.started_on), (facts.finished, details.metadata.finished_on)):
        if moment is not None:
            stamp = Timestamp()
            stamp.FromDatetime(moment)
            target.CopyFrom(stamp)

    descriptors = [ResourceDescriptor(name=s["name"], uri=s["uri"], digest=s["digest"]).pb for s in found]
    built = Statement(descriptors, PREDICATE_TYPE, json_format.MessageToDict(predicate))
    built.validate()
    return json_format.MessageToDict(built.pb)


def write(facts: RunFacts, path: Path) -> Optional[dict[str, Any]]:
    """Write the Statement to `path` (None written, and None returned, without artifacts)."""
    data = statement(facts)
    if data is not None:
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return data
