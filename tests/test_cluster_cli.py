"""The cluster commands' arguments, what submit would create, provenance labels, config errors:
everything that needs no cluster. (Against a real API server: test_cluster_live.py.)"""

import json
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from tekflow.cluster import labels
from tekflow.cluster.submit import prepare
from tekflow.errors import TekflowError

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "samples" / "quickstart.py"
TEKFLOW = [sys.executable, "-m", "tekflow.cli.main"]
TOKEN = "s3cr3t-token-never-printed"


def _tekflow(*args, env=None):
    return subprocess.run([*TEKFLOW, *args], capture_output=True, text=True, timeout=120,
                          cwd=tempfile.mkdtemp(prefix="tekflow-cluster-cli-"), env=env)


def _one_error_line(proc):
    lines = proc.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[-1]


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns: nothing listens there


def _kubeconfig(tmp_path, server, namespace="ci"):
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "test",
        "clusters": [{"name": "c", "cluster": {"server": server, "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"token": TOKEN}}],
        "contexts": [{"name": "test", "context": {"cluster": "c", "user": "u", "namespace": namespace}}]}))
    return path


@pytest.mark.parametrize("command", ["submit", "wait", "get", "list", "logs", "cancel"])
def test_every_command_has_help_with_namespace_and_kubeconfig(command):
    proc = _tekflow(command, "--help")
    assert proc.returncode == 0, proc.stderr
    for option in ("-n, --namespace", "--kubeconfig", "--context"):
        assert option in proc.stdout
    if command not in ("logs",):
        assert "--output [text|json]" in proc.stdout


@pytest.mark.parametrize("args, says", [
    (["submit", "QUICK", "--timeout", "5m"], "need --wait"),
    (["submit", "QUICK", "--junit", "x.xml"], "need --wait"),
    (["submit", "QUICK", "--wait", "--cancel-on-timeout"], "needs --timeout"),
    (["submit", "QUICK", "--wait", "--timeout", "soon"], "not a duration"),
    (["submit", "missing.py"], "missing.py: no such file"),
    (["submit", "QUICK", "-p", "nope=1"], "unknown parameter 'nope'"),
    (["submit", "QUICK", "-p", "points"], "expected NAME=VALUE"),
    (["submit", "QUICK", "--output", "xml"], "Invalid value for '--output'"),
    (["cancel", "r", "--mode", "later"], "Invalid value for '--mode'"),
    (["list", "-A", "-n", "x"], "-A and -n"),
    (["get"], "Missing argument 'RUN'"),
    (["wait", "r", "--cancel-on-timeout"], "needs --timeout"),
    (["submit", "QUICK", "--run-timeout", "soon"], "--run-timeout 'soon' is not a duration"),
    (["submit", "QUICK", "--service-account", "Bad SA"], "--service-account 'Bad SA' is not a valid"),
    (["submit", "TEKTON", "--run-timeout", "2h"], "is already compiled: --pipeline-root, --launcher-image, "
                                                   "--run-timeout and --service-account apply when compiling"),
])
def test_usage_mistakes_are_one_error_line_and_exit_2(args, says):
    tekton_file = ROOT / "tests" / "pipelineruns" / "when_finally.yaml"
    proc = _tekflow(*[str(QUICKSTART) if a == "QUICK" else str(tekton_file) if a == "TEKTON" else a for a in args])
    assert proc.returncode == 2
    assert says in _one_error_line(proc)


def test_no_cluster_reachable_names_the_server_and_never_the_token(tmp_path):
    server = f"https://127.0.0.1:{_closed_port()}"
    kubeconfig = _kubeconfig(tmp_path, server)
    for args in (["list"], ["get", "r"], ["submit", str(QUICKSTART)], ["cancel", "r"], ["logs", "r"],
                 ["wait", "r", "--timeout", "5s"]):
        proc = _tekflow(*args, "--kubeconfig", str(kubeconfig))
        assert proc.returncode == 2, (args, proc.stderr)
        line = _one_error_line(proc)
        assert f"cannot reach the Kubernetes API server at {server}" in line and "refused" in line.lower()
        assert TOKEN not in proc.stderr + proc.stdout


def test_kubeconfig_problems(tmp_path):
    kubeconfig = _kubeconfig(tmp_path, "https://127.0.0.1:1")
    proc = _tekflow("list", "--kubeconfig", str(kubeconfig), "--context", "prod")
    assert "--context prod: not in kubeconfig" in _one_error_line(proc) and "(contexts: test)" in proc.stderr
    proc = _tekflow("list", "--kubeconfig", str(tmp_path / "nope"))
    assert "no such file" in _one_error_line(proc)
    broken = tmp_path / "broken"
    broken.write_text(f"apiVersion: v1\nusers: [{{name: u, user: {{token: {TOKEN}}}}}]\ncontexts: : :\n")
    proc = _tekflow("list", "--kubeconfig", str(broken))
    assert proc.returncode == 2 and "not a readable kubeconfig" in _one_error_line(proc)
    assert TOKEN not in proc.stderr
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "KUBECONFIG": str(tmp_path / "absent")}
    proc = _tekflow("list", env=env)
    assert "no cluster configured" in _one_error_line(proc)


def test_prepare_compiles_as_compile_does_and_labels_the_run(tmp_path):
    env = {"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "4242", "GITHUB_SERVER_URL": "https://example.test",
           "GITHUB_REPOSITORY": "org/repo", "GITHUB_TOKEN": TOKEN}
    submission = prepare(QUICKSTART, ["points=7"], "ci", env=env)
    compiled = subprocess.run([*TEKFLOW, "compile", str(QUICKSTART), "-p", "points=7"], capture_output=True,
                              text=True, timeout=120, check=True).stdout
    expected = yaml.safe_load(compiled)
    run = submission.pipelinerun
    assert submission.namespace == "ci" and "namespace" not in run["metadata"]
    assert run["spec"] == expected["spec"]  # the same PipelineRun `tekflow compile` writes
    got = run["metadata"]["labels"]
    assert got[labels.PIPELINE] == "quickstart" and got[labels.CI_SYSTEM] == "github-actions"
    assert got[labels.CI_RUN_ID] == "4242"
    assert run["metadata"]["annotations"][labels.CI_RUN_URL] == "https://example.test/org/repo/actions/runs/4242"
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert got[labels.GIT_COMMIT] == commit
    assert TOKEN not in json.dumps(run)


def test_prepare_a_tekton_file_as_it_is(tmp_path):
    compiled = subprocess.run([*TEKFLOW, "compile", str(QUICKSTART), "--task-documents"], capture_output=True,
                              text=True, timeout=120, check=True).stdout
    documents = list(yaml.safe_load_all(compiled))
    source = tmp_path / "run.yaml"
    documents[-1]["metadata"]["labels"][labels.CI_RUN_ID] = "stale-from-another-ci-run"
    source.write_text(yaml.safe_dump_all(documents))
    submission = prepare(source, ["noise=0.5"], None, env={})
    kinds = [d["kind"] for d in submission.documents]
    assert kinds == ["Task"] * (len(kinds) - 1) + ["PipelineRun"]
    run = submission.pipelinerun
    assert {"name": "noise", "value": "0.5"} in run["spec"]["params"]
    assert labels.CI_RUN_ID not in run["metadata"]["labels"]  # facts of this submission only
    assert run["spec"]["pipelineSpec"] == documents[-1]["spec"]["pipelineSpec"]
    assert submission.namespace is None  # the context's namespace
    with pytest.raises(TekflowError, match="unknown parameter 'nope'"):
        prepare(source, ["nope=1"], None, env={})
    with pytest.raises(TekflowError, match="compile option"):
        prepare(source, [], None, compile_options={"pipeline_root": "s3://b"}, env={})


def test_namespace_of_the_file_and_of_the_flag_must_agree(tmp_path):
    source = tmp_path / "run.yaml"
    source.write_text(yaml.safe_dump({"apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
                                      "metadata": {"generateName": "x-", "namespace": "team-a"},
                                      "spec": {"pipelineRef": {"name": "p"}}}))
    assert prepare(source, [], None, env={}).namespace == "team-a"
    assert prepare(source, [], "team-a", env={}).namespace == "team-a"
    with pytest.raises(TekflowError, match="namespace 'team-a' but -n says 'team-b'"):
        prepare(source, [], "team-b", env={})
    source.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
                      "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: r}\nspec: {}\n")
    with pytest.raises(TekflowError, match="core ConfigMap"):
        prepare(source, [], None, env={})


def test_ci_ids_and_label_values():
    assert labels.ci_run({}) is None
    assert labels.ci_run({"GITLAB_CI": "true", "CI_PIPELINE_ID": "77", "CI_JOB_URL": "https://gl.test/j/9"}) == \
        ("gitlab-ci", "77", "https://gl.test/j/9")
    jenkins = labels.ci_run({"JENKINS_URL": "https://ci.test", "BUILD_TAG": "jenkins-my job-12",
                             "BUILD_URL": "https://user:pw@ci.test/12"})
    assert jenkins[:2] == ("jenkins", "jenkins-my job-12") and "pw" not in str(jenkins)
    assert labels.label_value("jenkins-my job-12") == "jenkins-my-job-12"
    assert labels.label_value("-" + "x" * 80) == "x" * 63
    assert labels.is_label_value(labels.label_value("ä/b:c_"))


def test_git_commit_of_a_source_outside_a_repository(tmp_path):
    source = tmp_path / "p.py"
    source.write_text("")
    assert labels.git_commit(source) is None
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q",
                    "--allow-empty", "-m", "x"], check=True)
    commit, dirty = labels.git_commit(source)
    assert len(commit) == 40 and dirty  # p.py is not committed


def test_the_ci_commit_labels_a_run_whose_source_is_in_no_repository(tmp_path):
    source = tmp_path / "p.py"
    source.write_text("")
    sha = "0123456789abcdef0123456789abcdef01234567"
    found, notes = labels.provenance(source, "p", {"GITHUB_ACTIONS": "true", "GITHUB_SHA": sha,
                                                   "GITHUB_RUN_ID": "5"})
    assert found[labels.GIT_COMMIT] == sha and notes[labels.GIT_COMMIT] == sha
    assert labels.GIT_COMMIT not in labels.provenance(None, "p", {})[0]  # outside CI: nothing claimed
    found, _ = labels.provenance(None, "p", {"GITHUB_ACTIONS": "true", "GITHUB_SHA": "main", "GITHUB_RUN_ID": "5"})
    assert labels.GIT_COMMIT not in found  # not a commit
