"""--emit triggers: a git push starts a run of the compiled Pipeline through Tekton Triggers.
Every document is checked with Triggers' (and Kubernetes') own rules by hack/tektonvalidate."""

import subprocess
import sys

import pytest
import yaml
from kfp import dsl

from corpus_support import ROOT
from tekflow.compiler import Compiler
from tekflow.compiler.emit import to_yaml_documents
from tekflow.errors import TekflowError
from tekton_validation import validate_yaml


PIPELINE = '''
from kfp import dsl


@dsl.component
def train(revision: str, repo: str, epochs: int) -> str:
    return revision


@dsl.pipeline(name="Retrain On Push")
def retrain(commit_sha: str, repo_url: str, epochs: int = 3, note: str = ""):
    train(revision=commit_sha, repo=repo_url, epochs=epochs)
'''


@dsl.component
def train(revision: str, repo: str, epochs: int) -> str:
    return revision


@dsl.pipeline(name="Retrain On Push")
def retrain(commit_sha: str, repo_url: str, epochs: int = 3, note: str = ""):  # PIPELINE's, for the API
    train(revision=commit_sha, repo=repo_url, epochs=epochs)


def _documents(**options):
    text = to_yaml_documents(Compiler().compile_to_documents(retrain, triggers=True, namespace="ml", **options))
    report = validate_yaml(text)
    assert report.ok, report.errors_text
    return list(yaml.safe_load_all(text))


def test_a_push_binds_the_parameters_it_was_asked_for_and_the_rest_keep_their_defaults():
    documents = _documents(bindings={"commit_sha": "revision", "repo_url": "repository",
                                     "note": "$(body.head_commit.message)"}, webhook_secret="github-webhook")
    kinds = [d["kind"] for d in documents]
    assert kinds == ["Pipeline", "TriggerTemplate", "TriggerBinding", "EventListener", "ServiceAccount",
                     "RoleBinding", "ClusterRoleBinding"]
    pipeline, template, binding, listener, account, role_binding, cluster_binding = documents
    assert {p["name"]: p["value"] for p in binding["spec"]["params"]} == {
        "commit_sha": "$(body.after)", "repo_url": "$(body.repository.clone_url)",
        "note": "$(body.head_commit.message)"}
    assert {p["name"] for p in template["spec"]["params"]} == {"commit_sha", "repo_url", "note"}
    (run,) = template["spec"]["resourcetemplates"]
    assert run["kind"] == "PipelineRun" and run["spec"]["pipelineRef"] == {"name": pipeline["metadata"]["name"]}
    assert {p["name"]: p["value"] for p in run["spec"]["params"]} == {
        "commit_sha": "$(tt.params.commit_sha)", "repo_url": "$(tt.params.repo_url)", "note": "$(tt.params.note)"}
    assert {w["name"] for w in run["spec"]["workspaces"]} == {w["name"] for w in pipeline["spec"]["workspaces"]}
    (trigger,) = listener["spec"]["triggers"]
    (github,) = trigger["interceptors"]
    assert github["ref"]["name"] == "github"
    assert {p["name"]: p["value"] for p in github["params"]} == {
        "eventTypes": ["push"], "secretRef": {"secretName": "github-webhook", "secretKey": "token"}}
    assert trigger["bindings"] == [{"ref": binding["metadata"]["name"], "kind": "TriggerBinding"}]
    assert trigger["template"] == {"ref": template["metadata"]["name"]}
    account_name = listener["spec"]["serviceAccountName"]
    assert account["metadata"]["name"] == account_name
    for rbac, role in ((role_binding, "tekton-triggers-eventlistener-roles"),
                       (cluster_binding, "tekton-triggers-eventlistener-clusterroles")):
        assert rbac["roleRef"]["name"] == role
        assert rbac["subjects"] == [{"kind": "ServiceAccount", "name": account_name, "namespace": "ml"}]


@pytest.mark.parametrize("options, message", [
    ({"bindings": {"commit_sha": "revision"}}, "the required parameter 'repo_url' would have no value"),
    ({"bindings": {"commit_sha": "revision", "repo_url": "repository", "nope": "ref"}},
     "the pipeline has no parameter 'nope'"),
    ({"bindings": {"commit_sha": "sha", "repo_url": "repository"}}, "expected one of revision, ref, repository"),
    ({"bindings": {"commit_sha": "revision", "repo_url": "repository"}, "webhook_secret": "Bad Name"},
     "--webhook-secret 'Bad Name' is not a valid Secret name"),
])
def test_trigger_mistakes_are_clear_errors(options, message):
    with pytest.raises(TekflowError, match=message):
        Compiler().compile_to_documents(retrain, triggers=True, namespace="ml", **options)


def test_triggers_need_a_namespace_and_a_pipeline():
    with pytest.raises(TekflowError, match="--emit triggers needs --namespace"):
        Compiler().compile_to_documents(retrain, triggers=True, pipeline_parameters={"commit_sha": "x",
                                                                                     "repo_url": "y"})
    with pytest.raises(TekflowError, match="--emit triggers starts runs of a reusable Pipeline"):
        Compiler().compile_to_documents(retrain, triggers=True, kind="pipelinerun", namespace="ml")
    with pytest.raises(TekflowError, match="add --emit triggers"):
        Compiler().compile_to_documents(retrain, bindings={"commit_sha": "revision"})


def test_cli_emits_triggers_and_a_schedule_together(tmp_path):
    source = tmp_path / "retrain.py"
    source.write_text(PIPELINE)
    out = tmp_path / "out.yaml"
    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "compile", str(source), "--emit", "triggers",
                           "--bind", "commit_sha=revision", "--bind", "repo_url=repository", "-n", "ml",
                           "--schedule", "0 2 * * *", "-p", "commit_sha=main", "-p", "repo_url=https://x/y.git",
                           "-o", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = validate_yaml(out.read_text())
    assert report.ok, report.errors_text
    kinds = [d.kind for d in report.documents]
    assert {"Pipeline", "CronJob", "TriggerTemplate", "EventListener"} <= set(kinds)
    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "compile", str(source), "--emit", "schedule"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 2 and "--emit schedule needs the schedule" in proc.stderr
