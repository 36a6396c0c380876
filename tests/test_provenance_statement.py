"""Every run writes an in-toto Statement (SLSA Provenance v1): its output artifacts with their
digests, the source and the PipelineRun that ran, its parameters; MLflow keeps it beside the
pipeline's run. Checked with the in-toto attestation library's own types and validation."""

import hashlib
import json
from pathlib import Path
from urllib.parse import urlparse

from google.protobuf import json_format
from in_toto_attestation.predicates.provenance.v1 import provenance_pb2
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.statement import Statement

from corpus_support import ROOT
from tekflow import local
from tekflow.local.api import load
from tekflow.compiler.serde import to_data
from tekflow.runtime.digests import artifact_digest
from tekflow.tracking.provenance import document_digest

QUICKSTART = ROOT / "samples" / "quickstart.py"


def check_statement(data: dict) -> provenance_pb2.Provenance:
    """Valid as an in-toto v1 Statement whose predicate is SLSA Provenance v1 (unknown fields are errors)."""
    parsed = json_format.ParseDict(data, statement_pb2.Statement())
    Statement.copy_from_pb(parsed).validate()
    assert data["_type"] == "https://in-toto.io/Statement/v1"
    assert data["predicateType"] == "https://slsa.dev/provenance/v1"
    predicate = json_format.ParseDict(data["predicate"], provenance_pb2.Provenance())
    assert predicate.build_definition.build_type and predicate.run_details.builder.id
    return predicate


def test_a_local_run_describes_its_artifacts_source_and_pipelinerun(tmp_path):
    tracking = f"sqlite:///{tmp_path / 'mlflow.db'}"
    result = local.run(QUICKSTART, {"points": 40}, run_dir=tmp_path / "run", tracking_uri=tracking)
    assert result.succeeded and result.provenance == tmp_path / "run" / "provenance.intoto.json"
    data = json.loads(result.provenance.read_text())
    predicate = check_statement(data)
    subjects = {s["name"]: s for s in data["subject"]}
    assert set(subjects) == {"make-dataset/data", "train/model"}
    for subject in subjects.values():  # the digests are the files'
        assert subject["digest"]["sha256"] == artifact_digest(urlparse(subject["uri"]).path).split(":")[1]
    definition = predicate.build_definition
    assert json_format.MessageToDict(definition.external_parameters) == {
        "pipeline": "quickstart", "parameters": {"points": "40"}}
    dependencies = {d.name: d for d in definition.resolved_dependencies}
    assert dependencies["quickstart.py"].digest["sha256"] == hashlib.sha256(QUICKSTART.read_bytes()).hexdigest()
    assert len(dependencies["quickstart.py"].digest["gitCommit"]) in (40, 64)
    ran = load(QUICKSTART, {"points": 40})  # the same compile: the same spec
    assert dependencies["pipelinerun"].digest["sha256"] == document_digest(to_data(ran.spec))
    details = predicate.run_details
    assert details.metadata.invocation_id == result.name
    assert details.metadata.started_on.ToDatetime() <= details.metadata.finished_on.ToDatetime()

    from mlflow import MlflowClient

    recorded = MlflowClient(tracking).download_artifacts(result.tracking_run_id, "provenance.intoto.json",
                                                         str(tmp_path))
    assert json.loads(Path(recorded).read_text()) == data


FAILING = '''
from kfp import dsl
from kfp.dsl import Dataset, Output


@dsl.component
def make(data: Output[Dataset]):
    open(data.path, "w").write("kept")


@dsl.component
def broken(x: int):
    raise SystemExit(3)


@dsl.pipeline(name="half")
def half():
    make()
    broken(x=1)
'''

NOTHING = '''
from kfp import dsl


@dsl.component
def add(a: int) -> int:
    return a + 1


@dsl.pipeline(name="plain")
def plain():
    add(a=1)
'''


def test_a_failed_run_still_describes_what_it_made(tmp_path):
    source = tmp_path / "half.py"
    source.write_text(FAILING)
    result = local.run(source, run_dir=tmp_path / "run")
    assert result.status == "Failed"
    data = json.loads(result.provenance.read_text())
    check_statement(data)
    assert [s["name"] for s in data["subject"]] == ["make/data"]


def test_a_run_without_artifacts_writes_no_statement(tmp_path):
    source = tmp_path / "plain.py"
    source.write_text(NOTHING)
    result = local.run(source, run_dir=tmp_path / "run")
    assert result.succeeded and result.provenance is None
    assert not (tmp_path / "run" / "provenance.intoto.json").exists()
