"""The cluster commands against a real Kubernetes API server with Tekton's controller.

The cluster is the session's `test_cluster` (tests/cluster_fixtures.py): the test cluster of
hack/cluster started for the session, or $TEKFLOW_TEST_KUBECONFIG's. Selected with
`pytest -m cluster`; when no cluster can be had, these tests fail with the reason.
"""

from __future__ import annotations

import functools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from corpus_support import load_module

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "samples" / "quickstart.py"
EXIT_HANDLER = ROOT / "tests" / "control" / "c30_exit_handler_success.py"
TEKFLOW = [sys.executable, "-m", "tekflow.cli.main"]


@pytest.fixture(scope="module")
def kubeconfig(test_cluster) -> Path:
    return test_cluster.kubeconfig


@pytest.fixture(scope="module")
def api(kubeconfig):
    from kubernetes import client

    from tekflow.cluster.config import connect

    connection = connect(str(kubeconfig))
    return client.CoreV1Api(connection.api_client), client.CustomObjectsApi(connection.api_client), connection


@pytest.fixture(scope="module")
def namespace(api):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    core = api[0]
    name = f"tekflow-test-{uuid.uuid4().hex[:6]}"
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    try:  # no kube-controller-manager may be there to create it
        core.create_namespaced_service_account(name, client.V1ServiceAccount(metadata=client.V1ObjectMeta(
            name="default")))
    except ApiException as e:
        if e.status != 409:
            raise
    yield name
    try:
        core.delete_namespace(name, _request_timeout=30)
    except ApiException:
        pass


def tk(kubeconfig, *args, env=None, timeout=300):
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("GITHUB_", "CI_", "BUILD", "GITLAB", "JENKINS", "CIRCLE", "TRAVIS", "TEKTON_"))}
    full_env.update(env or {})
    return subprocess.run([*TEKFLOW, *args, "--kubeconfig", str(kubeconfig)], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=tempfile.mkdtemp(prefix="tekflow-cluster-"))


def error_line(proc) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "Traceback" not in proc.stderr, proc.stderr
    return lines[-1]


def get_json(kubeconfig, run, namespace) -> dict:
    proc = tk(kubeconfig, "get", run, "-n", namespace, "--output", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _schema_check(junit: Path) -> None:
    """Valid against tests/cluster_junit.xsd (where xmlschema is installed; parsed in any case)."""
    ET.parse(junit)
    try:
        import xmlschema
    except ImportError:
        return
    xmlschema.XMLSchema(str(ROOT / "tests" / "cluster_junit.xsd")).validate(str(junit))


def until(predicate, timeout=90.0, every=0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s")
        time.sleep(every)


def test_submit_labels_get_list_wait_timeout_and_cancel(kubeconfig, namespace, api, tmp_path):
    ci = {"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "777", "GITHUB_SERVER_URL": "https://ci.test",
          "GITHUB_REPOSITORY": "o/r"}
    proc = tk(kubeconfig, "submit", str(QUICKSTART), "-n", namespace, "-p", "points=9", env=ci)
    assert proc.returncode == 0, proc.stderr
    run = proc.stdout.strip()
    assert run.startswith("quickstart-") and f"namespace {namespace}" in proc.stderr

    # what the API server holds: our labels, the compiled spec, the parameter
    obj = api[1].get_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns", run)
    labels = obj["metadata"]["labels"]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    assert labels["tekflow.dev/pipeline"] == "quickstart" and labels["tekflow.dev/git-commit"] == commit
    assert labels["tekflow.dev/ci-system"] == "github-actions" and labels["tekflow.dev/ci-run-id"] == "777"
    assert obj["metadata"]["annotations"]["tekflow.dev/ci-run-url"] == "https://ci.test/o/r/actions/runs/777"
    assert {"name": "points", "value": "9"} in obj["spec"]["params"]

    # Tekton's controller takes it: TaskRuns appear (they stay Pending without a node)
    state = until(lambda: (s := get_json(kubeconfig, run, namespace))["tasks"]["make-dataset"]["taskruns"] and s)
    assert state["status"] in ("Running", "Succeeded") and not state["done"] or state["status"] == "Succeeded"
    assert set(state["tasks"]) == {"make-dataset", "train", "evaluate"}
    assert state["tasks"]["make-dataset"]["taskruns"][0]["name"].startswith(run)

    listed = tk(kubeconfig, "list", "-n", namespace, "-l", "tekflow.dev/ci-run-id=777", "--output", "json")
    assert listed.returncode == 0, listed.stderr
    assert [r["name"] for r in json.loads(listed.stdout)["runs"]] == [run]
    assert json.loads(tk(kubeconfig, "list", "-n", namespace, "-l", "tekflow.dev/ci-run-id=other",
                         "--output", "json").stdout) == {"runs": []}
    text = tk(kubeconfig, "list", "-n", namespace)
    assert run in text.stdout and "quickstart" in text.stdout

    if state["done"]:
        pytest.skip("the run finished before the wait-timeout part (a fast node): covered by the node tests")
    junit = tmp_path / "report.xml"
    waited = tk(kubeconfig, "wait", run, "-n", namespace, "--timeout", "2s", "--junit", str(junit),
                "--output", "json")
    assert waited.returncode == 3, waited.stderr
    report = json.loads(waited.stdout)
    assert report["timed_out"] is True and report["exit_code"] == 3 and report["name"] == run
    assert "timed out after" in waited.stderr and f"tekflow cancel {run}" in waited.stderr
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("name") == f"quickstart/{run}" and int(suite.get("tests")) == 3
    _schema_check(junit)

    cancelled = tk(kubeconfig, "cancel", run, "-n", namespace, "--output", "json")
    assert cancelled.returncode == 0, cancelled.stderr
    assert json.loads(cancelled.stdout)["spec_status"] == "CancelledRunFinally"
    ended = tk(kubeconfig, "wait", run, "-n", namespace, "--timeout", "120s", "--output", "json")
    assert ended.returncode == 3, ended.stderr
    report = json.loads(ended.stdout)
    assert report["status"] == "Cancelled" and report["timed_out"] is False and report["reason"] == "Cancelled"
    statuses = {t["status"] for t in report["tasks"].values()}  # a node may have finished the first task
    assert statuses - {"Succeeded"} and statuses <= {"Succeeded", "Cancelled", "Skipped"}, report["tasks"]
    again = tk(kubeconfig, "cancel", run, "-n", namespace)
    assert again.returncode == 0 and "already ended (Cancelled)" in again.stderr


def _submit(kubeconfig, namespace, source, *args):
    proc = tk(kubeconfig, "submit", str(source), "-n", namespace, *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def _finally_taskruns(api, namespace, run):
    items = api[1].list_namespaced_custom_object("tekton.dev", "v1", namespace, "taskruns",
                                                 label_selector=f"tekton.dev/pipelineRun={run}")["items"]
    return [t for t in items if t["metadata"]["labels"].get("tekton.dev/memberOf") == "finally"]


def test_a_tekton_file_with_task_documents_is_submitted_as_it_is(kubeconfig, namespace, api, tmp_path):
    source = tmp_path / "run.yaml"
    compiled = subprocess.run([*TEKFLOW, "compile", str(QUICKSTART), "--task-documents", "-o", str(source)],
                              capture_output=True, text=True, timeout=120)
    assert compiled.returncode == 0, compiled.stderr
    tasks = [d["metadata"]["name"] for d in yaml.safe_load_all(source.read_text()) if d["kind"] == "Task"]
    first = tk(kubeconfig, "submit", str(source), "-n", namespace, "--run-name", "from-file", "--output", "json")
    assert first.returncode == 0, first.stderr
    created = json.loads(first.stdout)
    assert created["name"] == "from-file" and created["created"] == [f"Task/{t}" for t in tasks] + \
        ["PipelineRun/from-file"]
    held = {t["metadata"]["name"] for t in api[1].list_namespaced_custom_object(
        "tekton.dev", "v1", namespace, "tasks")["items"]}
    assert set(tasks) <= held
    # again: the Tasks are replaced, the run name is taken
    second = tk(kubeconfig, "submit", str(source), "-n", namespace, "--run-name", "from-file")
    assert "already exists" in error_line(second) and "from-file" in error_line(second)
    third = tk(kubeconfig, "submit", str(source), "-n", namespace)
    assert third.returncode == 0, third.stderr
    tk(kubeconfig, "cancel", "from-file", "-n", namespace, "--mode", "now")
    tk(kubeconfig, "cancel", third.stdout.strip(), "-n", namespace, "--mode", "now")


# -- errors ----------------------------------------------------------------------------


def test_unknown_run(kubeconfig, namespace):
    for command in (["get", "nope"], ["cancel", "nope"], ["logs", "nope"], ["wait", "nope", "--timeout", "5s"]):
        line = error_line(tk(kubeconfig, *command, "-n", namespace))
        assert f"no PipelineRun 'nope' in namespace '{namespace}'" in line, line


def test_missing_namespace(kubeconfig):
    for command in (["submit", str(QUICKSTART)], ["list"], ["get", "r"]):
        line = error_line(tk(kubeconfig, *command, "-n", "no-such-namespace-x"))
        assert "namespace 'no-such-namespace-x' does not exist" in line, line


def _kubeconfig_with_token(kubeconfig: Path, token: str, path: Path) -> Path:
    config = yaml.safe_load(kubeconfig.read_text())
    context = next(c for c in config["contexts"] if c["name"] == config["current-context"])
    config["users"] = [{"name": "limited", "user": {"token": token}}]
    context["context"]["user"] = "limited"
    path.write_text(yaml.safe_dump(config))
    return path


def test_forbidden_names_verb_resource_and_namespace(kubeconfig, namespace, api, tmp_path):
    from kubernetes import client

    core = api[0]
    core.create_namespaced_service_account(namespace, client.V1ServiceAccount(
        metadata=client.V1ObjectMeta(name="no-rights")))
    token = core.create_namespaced_service_account_token(
        "no-rights", namespace, client.AuthenticationV1TokenRequest(
            spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=600))).status.token
    limited = _kubeconfig_with_token(kubeconfig, token, tmp_path / "limited")
    cases = [
        (["submit", str(QUICKSTART)], "create pipelineruns.tekton.dev"),
        (["list"], "list pipelineruns.tekton.dev"),
        (["get", "r"], "get pipelineruns.tekton.dev"),
        (["cancel", "r"], "get pipelineruns.tekton.dev"),
    ]
    for command, what in cases:
        proc = tk(limited, *command, "-n", namespace)
        line = error_line(proc)
        assert line.startswith(f"error: forbidden: not allowed to {what} in namespace '{namespace}' (RBAC)"), line
        assert f"system:serviceaccount:{namespace}:no-rights" in line
        assert token not in proc.stderr + proc.stdout


def test_bad_credentials(kubeconfig, tmp_path):
    bad = _kubeconfig_with_token(kubeconfig, "not-a-valid-token-" + uuid.uuid4().hex, tmp_path / "bad")
    proc = tk(bad, "list")
    assert "refused the credentials (401 Unauthorized)" in error_line(proc)
    assert "not-a-valid-token" not in proc.stderr


def test_a_run_tekton_rejects_shows_tektons_message(kubeconfig, namespace, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({
        "apiVersion": "tekton.dev/v1", "kind": "PipelineRun", "metadata": {"generateName": "bad-"},
        "spec": {"pipelineSpec": {"tasks": [
            {"name": "a", "taskSpec": {"steps": [{"name": "s", "image": "busybox", "script": "echo $(params.nope)"}]}},
            {"name": "b", "runAfter": ["missing-task"],
             "taskSpec": {"steps": [{"name": "s", "image": "busybox", "script": "true"}]}}]}}}))
    proc = tk(kubeconfig, "submit", str(bad), "-n", namespace, "--wait", "--timeout", "60s")
    line = error_line(proc)
    # the admission webhook refuses it at creation, or (without the webhook) the controller's validation
    assert ("the cluster rejected the PipelineRun" in line or "Tekton refused run" in line), line
    assert "missing-task" in line or "params.nope" in line or "nope" in line, line


# -- an API server without Tekton --------------------------------------------------------


def _cached_binary(pattern: str) -> Path | None:
    cache = Path(os.environ.get("TEKFLOW_CLUSTER_CACHE") or Path.home() / ".cache" / "tekflow" / "cluster")
    found = sorted(cache.glob(pattern))
    return found[-1] if found else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bare_apiserver(tmp_path_factory):
    """A real etcd + kube-apiserver (the test cluster's binaries) with no Tekton installed: its kubeconfig.
    Stopped right after the one test that uses it (process groups, SIGKILL when SIGTERM is not enough)."""
    import urllib.request

    etcd, apiserver = _cached_binary("etcd-*/etcd"), _cached_binary("kubernetes-*/kube-apiserver")
    if etcd is None or apiserver is None:
        pytest.skip("the test cluster's binaries are not built (python hack/cluster/cluster.py build)")
    home = tmp_path_factory.mktemp("bare-apiserver")
    subprocess.run(["openssl", "genrsa", "-out", str(home / "sa.key"), "2048"], check=True, capture_output=True)
    token = uuid.uuid4().hex
    (home / "tokens.csv").write_text(f"{token},admin,admin,system:masters\n")
    etcd_port, peer_port, api_port = _free_port(), _free_port(), _free_port()
    etcd_url, peer_url = f"http://127.0.0.1:{etcd_port}", f"http://127.0.0.1:{peer_port}"
    logs = open(home / "log", "wb")
    processes: list[subprocess.Popen] = []
    try:
        processes.append(subprocess.Popen(
            [str(etcd), "--data-dir", str(home / "etcd"), "--listen-client-urls", etcd_url,
             "--advertise-client-urls", etcd_url, "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls",
             peer_url, "--initial-cluster", f"default={peer_url}", "--unsafe-no-fsync", "--log-level", "error"],
            stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))
        processes.append(subprocess.Popen(
            [str(apiserver), "--etcd-servers", etcd_url, "--bind-address", "127.0.0.1", "--advertise-address",
             "127.0.0.1", "--secure-port", str(api_port), "--cert-dir", str(home / "certs"), "--token-auth-file",
             str(home / "tokens.csv"), "--authorization-mode", "RBAC", "--service-account-issuer",
             "https://bare.test", "--service-account-key-file", str(home / "sa.key"),
             "--service-account-signing-key-file", str(home / "sa.key"), "--service-cluster-ip-range",
             "10.97.0.0/24", "--endpoint-reconciler-type", "none", "--profiling=false"],
            stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))
        kubeconfig = home / "kubeconfig"
        kubeconfig.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "bare",
            "clusters": [{"name": "bare", "cluster": {"server": f"https://127.0.0.1:{api_port}",
                                                      "insecure-skip-tls-verify": True}}],
            "users": [{"name": "admin", "user": {"token": token}}],
            "contexts": [{"name": "bare", "context": {"cluster": "bare", "user": "admin"}}]}))
        import ssl

        insecure = ssl.create_default_context()
        insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE

        def ready():
            if any(p.poll() is not None for p in processes):
                raise AssertionError(f"the bare API server stopped: {(home / 'log').read_text()[-2000:]}")
            try:
                request = urllib.request.Request(f"https://127.0.0.1:{api_port}/readyz",
                                                 headers={"Authorization": f"Bearer {token}"})
                return urllib.request.urlopen(request, timeout=2, context=insecure).read() == b"ok"
            except OSError:
                return False

        until(ready, timeout=120, every=1)
        yield kubeconfig, token
    finally:
        _stop_groups(processes)
        logs.close()


def _stop_groups(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process group (the leader may have exited and left members), SIGKILL after 20 s."""
    import signal

    for p in reversed(processes):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                break
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                continue
            try:  # the leader is gone: is anything of its group left?
                os.killpg(p.pid, 0)
            except ProcessLookupError:
                break


def test_tekton_not_installed(bare_apiserver):
    kubeconfig, token = bare_apiserver
    server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    for command in (["submit", str(QUICKSTART)], ["list"], ["get", "r"], ["cancel", "r"],
                    ["wait", "r", "--timeout", "5s"], ["logs", "r"]):
        proc = tk(kubeconfig, *command, "-n", "default")
        line = error_line(proc)
        assert f"Tekton is not installed on {server}" in line, (command, line)
        assert token not in proc.stderr + proc.stdout


# -- with a node: pods run --------------------------------------------------------------

FAILING = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def fine() -> int:
    return 1


@dsl.component(base_image="python:3.11")
def breaks(x: int) -> int:
    for i in range(60):
        print(f"line {i}")
    print("tekflow-marker: the model diverged")
    raise SystemExit(7)


@dsl.pipeline(name="failing")
def failing():
    breaks(x=fine().output)
'''

SLOW = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def slow(n: int) -> int:
    import time
    for i in range(n):
        print(f"tick {i}", flush=True)
        time.sleep(1)
    return n


@dsl.component(base_image="python:3.11")
def report(status: dsl.PipelineTaskFinalStatus) -> str:
    print(f"final state {status.state}")
    return status.state


@dsl.pipeline(name="slow")
def slow_pipeline(n: int = 5):
    with dsl.ExitHandler(report()):
        slow(n=n)
'''


@pytest.fixture(scope="module")
def node(api):
    """A Ready node (pods can run): waited for, since a node registers after the API answers."""
    def ready():
        nodes = api[0].list_node().items
        return any(c.type == "Ready" and c.status == "True" for n in nodes for c in (n.status.conditions or []))

    try:
        until(ready, timeout=120, every=1)
    except AssertionError:
        pytest.fail("the cluster has no Ready node after 120 s: pods cannot run", pytrace=False)


def test_run_timeout_and_service_account_are_the_runs(kubeconfig, namespace, api, node):
    """`submit --run-timeout 2h --service-account S` compiles them into the run; Tekton takes them,
    its TaskRuns carry the ServiceAccount, and the run succeeds."""
    from kubernetes import client

    account = "trainer"
    api[0].create_namespaced_service_account(namespace, client.V1ServiceAccount(
        metadata=client.V1ObjectMeta(name=account)))
    proc = tk(kubeconfig, "submit", str(QUICKSTART), "-n", namespace, "--run-timeout", "2h",
              "--service-account", account, "--wait", "--timeout", "10m", "--output", "json", timeout=900)
    assert proc.returncode == 0, proc.stderr
    run = json.loads(proc.stdout)["name"]
    obj = api[1].get_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns", run)
    assert obj["spec"]["timeouts"]["pipeline"] in ("2h", "2h0m0s")  # as given, or as Tekton defaults it
    assert obj["spec"]["taskRunTemplate"]["serviceAccountName"] == account
    taskruns = api[1].list_namespaced_custom_object("tekton.dev", "v1", namespace, "taskruns",
                                                    label_selector=f"tekton.dev/pipelineRun={run}")["items"]
    assert taskruns and {t["spec"]["serviceAccountName"] for t in taskruns} == {account}


def test_quickstart_succeeds_with_outputs_junit_and_logs(kubeconfig, namespace, node, tmp_path):
    junit = tmp_path / "report.xml"
    proc = tk(kubeconfig, "submit", str(QUICKSTART), "-n", namespace, "--wait", "--timeout", "10m",
              "--junit", str(junit), "--output", "json", timeout=900)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "Succeeded" and report["exit_code"] == 0
    assert report["outputs"] == {"Output": 0.0517}  # what `tekflow run` gives
    assert {n: t["status"] for n, t in report["tasks"].items()} == \
        {"make-dataset": "Succeeded", "train": "Succeeded", "evaluate": "Succeeded"}
    assert "task train started" in proc.stderr and "task train succeeded" in proc.stderr
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "0", "0")
    logs = tk(kubeconfig, "logs", report["name"], "-n", namespace)
    assert logs.returncode == 0, logs.stderr
    for task in ("make-dataset", "train", "evaluate"):
        for step in ("prepare", "main", "publish"):
            assert f"--- {task}/{step}\n" in logs.stdout


def test_a_failed_run_exits_1_with_the_failed_steps_log_in_junit(kubeconfig, namespace, node, tmp_path):
    source = tmp_path / "failing.py"
    source.write_text(FAILING)
    junit = tmp_path / "report.xml"
    proc = tk(kubeconfig, "submit", str(source), "-n", namespace, "--wait", "--timeout", "10m", "--junit", str(junit),
              timeout=900)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr.split("\n")[0]
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases["fine"].find("failure") is None
    failure = cases["breaks"].find("failure")
    assert failure is not None and "step main of" in failure.text and "exited with code 7" in failure.text
    assert "tekflow-marker: the model diverged" in failure.text and "line 59" in failure.text
    assert "line 5\n" not in failure.text  # only the tail
    _schema_check(junit)


def test_logs_follow_streams_until_the_run_ends(kubeconfig, namespace, node, tmp_path):
    source = tmp_path / "slow.py"
    source.write_text(SLOW)
    run = _submit(kubeconfig, namespace, source, "-p", "n=4")
    proc = tk(kubeconfig, "logs", run, "-n", namespace, "--follow", timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.index("--- slow/main") < out.index("tick 0") < out.index("tick 3")
    assert "final state SUCCEEDED" in out  # the finally task's log too
    state = get_json(kubeconfig, run, namespace)
    assert state["done"] and state["status"] == "Succeeded"


def test_cancel_runs_the_exit_handler_and_cancel_now_does_not(kubeconfig, namespace, api, node, tmp_path):
    source = tmp_path / "slow.py"
    source.write_text(SLOW)
    graceful = _submit(kubeconfig, namespace, source, "-p", "n=120")
    now = _submit(kubeconfig, namespace, source, "-p", "n=120")
    for run in (graceful, now):
        until(lambda: get_json(kubeconfig, run, namespace)["tasks"]["slow"]["status"] == "Running", timeout=300)
    assert tk(kubeconfig, "cancel", graceful, "-n", namespace).returncode == 0
    assert tk(kubeconfig, "cancel", now, "-n", namespace, "--mode", "now").returncode == 0
    # CancelledRunFinally: Tekton cancels the running task, then runs the exit handler (a finally task)
    proc = tk(kubeconfig, "wait", graceful, "-n", namespace, "--timeout", "5m", "--output", "json", timeout=600)
    assert proc.returncode == 3, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "Cancelled" and report["tasks"]["slow"]["status"] == "Cancelled"
    assert report["tasks"]["report"]["status"] == "Succeeded"  # the exit handler ran
    # Cancelled (--mode now): it ends without the finally task
    ended = tk(kubeconfig, "wait", now, "-n", namespace, "--timeout", "5m", "--output", "json", timeout=600)
    assert ended.returncode == 3, ended.stderr
    report = json.loads(ended.stdout)
    assert report["status"] == "Cancelled" and report["tasks"]["slow"]["status"] == "Cancelled"
    assert not _finally_taskruns(api, namespace, now)


CONTROL = sorted((ROOT / "tests" / "control").glob("c*.py"))


@functools.lru_cache(maxsize=None)
def _control_module(path: Path) -> dict:
    """The module's constants (ARGUMENTS, EXPECTED_STATUS, EXPECTED); imported, since some are
    computed (a data file's path)."""
    return {name: value for name, value in vars(load_module(path)).items() if name.isupper()}


# Runs of the control corpus on the cluster at the same time; the rest are submitted as earlier
# ones end (TEKFLOW_TEST_CLUSTER_MAX_RUNS=0: all at once). Measured in docs/cluster.md ("Measured").
MAX_CONCURRENT_RUNS = int(os.environ.get("TEKFLOW_TEST_CLUSTER_MAX_RUNS", "12")) or len(CONTROL)

# Where the cluster and `tekflow run` disagree on the same compiled file, and why: a known bug,
# run as a strict xfail (stem -> the precise difference). None is known today.
KNOWN_DIFFERENCES: dict[str, str] = {}


def _compile_args(source: Path) -> list[str]:
    params = []
    for name, value in _control_module(source).get("ARGUMENTS", {}).items():
        params += ["-p", f"{name}={value if isinstance(value, str) else json.dumps(value)}"]
    return [*TEKFLOW, "compile", str(source), *params]


@dataclass
class SubmitWait:
    """A running `tekflow submit --wait` and where its output goes."""

    proc: subprocess.Popen
    stdout: Path
    stderr: Path

    def result(self, timeout: float) -> tuple[int, str, str]:
        code = self.proc.wait(timeout=timeout)
        return code, self.stdout.read_text(), self.stderr.read_text()


class ControlCorpus:
    """Each control pipeline compiled once to a file that is both submitted to the cluster and run
    locally; a thread submits the files (at most MAX_CONCURRENT_RUNS unfinished at once) and
    another runs them locally, one after another, while the cluster works."""

    def __init__(self, kubeconfig: Path, namespace: str, directory: Path) -> None:
        self.kubeconfig, self.namespace, self.directory = kubeconfig, namespace, directory
        self.compiled: dict[str, Path] = {}
        self.compile_errors: dict[str, str] = {}
        self.submitted: dict[str, Future] = {s.stem: Future() for s in CONTROL}
        self.local: dict[str, Future] = {s.stem: Future() for s in CONTROL}
        self.finished: "queue.Queue[str]" = queue.Queue()
        self.stopping = threading.Event()

    def compile_all(self) -> None:
        pending = list(CONTROL)
        running: list[tuple[Path, subprocess.Popen]] = []
        while pending or running:
            while pending and len(running) < 2:
                source = pending.pop(0)
                target = self.directory / f"{source.stem}.yaml"
                running.append((source, subprocess.Popen([*_compile_args(source), "-o", str(target)],
                                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                                         cwd=self.directory)))
            source, proc = running.pop(0)
            out = proc.communicate()[0]
            target = self.directory / f"{source.stem}.yaml"
            if proc.returncode == 0:
                self.compiled[source.stem] = target
            else:
                self.compile_errors[source.stem] = out[-3000:]

    def submit_all(self) -> None:
        """`tekflow submit FILE --wait --output json` per pipeline, at most MAX_CONCURRENT_RUNS at once;
        each future holds the process, its output going to files (a pipe could fill and stall it)."""
        unfinished = 0
        for stem, future in self.submitted.items():
            if stem not in self.compiled:
                future.set_exception(AssertionError(f"not compiled: {self.compile_errors.get(stem)}"))
                continue
            while unfinished >= MAX_CONCURRENT_RUNS and not self.stopping.is_set():
                try:
                    self.finished.get(timeout=1)
                    unfinished -= 1
                except queue.Empty:
                    pass
            if self.stopping.is_set():
                future.set_exception(AssertionError("not submitted: the module's tests ended"))
                continue
            try:
                fresh = _fresh_directory_param(stem, self.directory / "fresh-cluster")
                params = [arg for k, v in fresh.items() for arg in ("-p", f"{k}={v}")]
                out, err = (self.directory / f"{stem}.submit.{n}" for n in ("out", "err"))
                with open(out, "wb") as stdout, open(err, "wb") as stderr:
                    proc = subprocess.Popen(
                        [*TEKFLOW, "submit", str(self.compiled[stem]), "-n", self.namespace, *params, "--wait",
                         "--timeout", "20m", "--output", "json", "--kubeconfig", str(self.kubeconfig)],
                        stdout=stdout, stderr=stderr, cwd=self.directory)
                future.set_result(SubmitWait(proc, out, err))
                unfinished += 1
            except Exception as e:  # noqa: BLE001 - reported by the pipeline's test
                future.set_exception(e)

    def delete(self, run: str) -> None:
        """Deletes a run that was waited for: its TaskRuns and pods go with it, and with the pods the
        node's copies of Tekton's binaries (about 45 MB a pod), which would otherwise fill the disk."""
        from kubernetes.client.exceptions import ApiException

        from tekflow.cluster.config import connect

        from kubernetes import client

        try:
            client.CustomObjectsApi(connect(str(self.kubeconfig)).api_client).delete_namespaced_custom_object(
                "tekton.dev", "v1", self.namespace, "pipelineruns", run, propagation_policy="Background")
        except ApiException as e:
            if e.status != 404:
                raise

    def run_all_locally(self) -> None:
        from tekflow import local

        for stem, future in self.local.items():
            if self.stopping.is_set() or stem not in self.compiled:
                future.set_exception(AssertionError(f"not run locally: {self.compile_errors.get(stem, 'stopped')}"))
                continue
            try:
                future.set_result(local.run(self.compiled[stem], run_dir=self.directory / "local" / stem,
                                            params=_fresh_directory_param(stem, self.directory / "fresh-local")))
            except Exception as e:  # noqa: BLE001 - reported by the pipeline's test
                future.set_exception(e)


def _fresh_directory_param(stem: str, parent: Path) -> dict[str, str]:
    """A pipeline's FRESH_DIRECTORY_PARAM: a new empty directory per run (the cluster's and the local one)."""
    name = _control_module(ROOT / "tests" / "control" / f"{stem}.py").get("FRESH_DIRECTORY_PARAM")
    if not name:
        return {}
    directory = parent / stem
    directory.mkdir(parents=True)
    return {name: str(directory)}


@pytest.fixture(scope="module")
def control_corpus(kubeconfig, namespace, node, tmp_path_factory):
    corpus = ControlCorpus(kubeconfig, namespace, tmp_path_factory.mktemp("control-corpus"))
    corpus.compile_all()
    threads = [threading.Thread(target=corpus.submit_all, daemon=True),
               threading.Thread(target=corpus.run_all_locally, daemon=True)]
    for t in threads:
        t.start()
    try:
        yield corpus
    finally:
        corpus.stopping.set()
        for t in threads:
            t.join(timeout=60)  # daemon threads: a stuck API call must not hold the session
        for future in corpus.submitted.values():  # a wait nobody read (a test failed early)
            if future.done() and not future.exception() and future.result().proc.poll() is None:
                future.result().proc.kill()


def _tasks(report_tasks: dict, local_tasks: dict) -> tuple[dict, dict]:
    on_cluster = {name: (t["status"], t["reason"]) for name, t in report_tasks.items()}
    here = {name: (t.status, t.reason) for name, t in local_tasks.items()}
    return on_cluster, here


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("source", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[p.stem]))
    if p.stem in KNOWN_DIFFERENCES else p for p in CONTROL], ids=[p.stem for p in CONTROL])
def test_control_pipeline_on_the_cluster(control_corpus, source):
    """Every control pipeline, compiled once: Tekton's controller and `tekflow run` on the same file give
    the same run status and reason, the same status and reason for every task, and the same outputs (the
    module's EXPECTED_STATUS and EXPECTED)."""
    module = _control_module(source)
    submitted = control_corpus.submitted[source.stem].result(timeout=1500)
    try:
        code, stdout, stderr = submitted.result(timeout=1500)
    finally:
        control_corpus.finished.put(source.stem)  # the next one may be submitted
    report = json.loads(stdout) if stdout.strip() else {}
    if report.get("name"):
        control_corpus.delete(report["name"])
    expected_code = {"Succeeded": 0, "Failed": 1}[module["EXPECTED_STATUS"]]
    assert code == expected_code, stderr[-3000:]
    here = control_corpus.local[source.stem].result(timeout=1500)
    assert (report["status"], report["reason"]) == (here.status, here.reason), (report["message"], here.message)
    on_cluster, locally = _tasks(report["tasks"], here.tasks)
    assert on_cluster == locally
    assert report["outputs"] == here.outputs
    assert report["status"] == module["EXPECTED_STATUS"]
    if "EXPECTED" in module:
        assert report["outputs"] == module["EXPECTED"], report["results"]
