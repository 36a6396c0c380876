"""Compiled output on a real cluster: a reusable Pipeline started twice with different values,
and gangs whose pod groups are each run's own (tests/cluster_fixtures.py's test cluster)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from test_cluster_live import TEKFLOW, api, error_line, kubeconfig, namespace, node, tk, until  # noqa: F401 (fixtures)

pytestmark = pytest.mark.cluster

ADDER = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def add(a: int, b: int) -> int:
    return a + b


@dsl.pipeline(name="adder")
def adder(a: int, b: int = 2) -> int:
    return add(a=a, b=b).output
'''

PAIR = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def shard(i: int) -> int:
    return i * 10


@dsl.pipeline(name="pair")
def pair():
    for i in (1, 2):
        dsl.schedule(shard(i=i), gang="shards")
'''


def compile_to(tmp_path, text: str, *args: str):
    source = tmp_path / "pipeline.py"
    source.write_text(text)
    out = tmp_path / "compiled.yaml"
    proc = subprocess.run([*TEKFLOW, "compile", str(source), "-o", str(out), *args], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out, proc.stderr


def test_a_pipeline_applied_once_runs_twice_with_different_values(kubeconfig, namespace, api, node, tmp_path):
    compiled, said = compile_to(tmp_path, ADDER, "--kind", "pipeline", "-p", "b=5")
    assert "tekflow submit --pipeline-ref adder -p a=VALUE" in said
    (pipeline,) = list(yaml.safe_load_all(compiled.read_text()))
    api[1].create_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelines", pipeline)  # kubectl apply

    outputs, runs = [], []
    for values in (["-p", "a=1"], ["-p", "a=40", "-p", "b=2"]):
        proc = tk(kubeconfig, "submit", "--pipeline-ref", "adder", "-n", namespace, *values, "--wait",
                  "--timeout", "10m", "--output", "json", timeout=900)
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout)
        assert report["status"] == "Succeeded"
        outputs.append(report["outputs"])
        runs.append(report["name"])
    assert outputs == [{"Output": 6}, {"Output": 42}]  # b's default is the compile's -p, then the run's
    assert len(set(runs)) == 2
    for run in runs:
        obj = api[1].get_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns", run)
        assert obj["spec"]["pipelineRef"] == {"name": "adder"} and "pipelineSpec" not in obj["spec"]
        assert obj["metadata"]["labels"]["tekton.dev/pipeline"] == "adder"
        # Tekton copied the Pipeline's annotations, by which `tekflow get` reads typed outputs
        assert "tekflow.dev/parameter-outputs" in obj["metadata"]["annotations"]

    for args, says in ((["-p", "b=1"], "required parameter 'a' (an integer) has no value"),
                       (["-p", "a=1", "-p", "c=2"], "unknown parameter 'c'"),
                       (["-p", "a=x"], "parameter 'a' expects an integer")):
        assert says in error_line(tk(kubeconfig, "submit", "--pipeline-ref", "adder", "-n", namespace, *args))
    missing = error_line(tk(kubeconfig, "submit", "--pipeline-ref", "nope", "-n", namespace))
    assert "no Pipeline 'nope'" in missing and "tekflow compile --kind pipeline" in missing


POD_GROUP_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "podgroups.scheduling.x-k8s.io"},
    "spec": {"group": "scheduling.x-k8s.io", "scope": "Namespaced",
             "names": {"plural": "podgroups", "singular": "podgroup", "kind": "PodGroup"},
             "versions": [{"name": "v1alpha1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                 "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}


@pytest.fixture
def pod_group_crd(api):
    """scheduler-plugins' PodGroup kind (its CRD, schema left open): the API a coscheduling cluster has."""
    from kubernetes import client

    extensions = client.ApiextensionsV1Api(api[2].api_client)
    extensions.create_custom_resource_definition(POD_GROUP_CRD)

    def established():
        crd = extensions.read_custom_resource_definition(POD_GROUP_CRD["metadata"]["name"])
        return any(c.type == "Established" and c.status == "True" for c in crd.status.conditions or [])

    until(established, timeout=60)
    yield
    extensions.delete_custom_resource_definition(POD_GROUP_CRD["metadata"]["name"])


def test_two_submits_of_a_gang_pipeline_have_their_own_pod_groups(kubeconfig, namespace, api, node, tmp_path,
                                                                    pod_group_crd):
    compiled, said = compile_to(tmp_path, PAIR, "--gang-scheduler", "coscheduling")
    assert "share the pod group 'pair-shards'" in said  # the file alone: kubectl create would share it
    groups = {}
    for _ in range(2):
        proc = tk(kubeconfig, "submit", str(compiled), "-n", namespace, "--wait", "--timeout", "10m",
                  "--output", "json", timeout=900)
        assert proc.returncode == 0, proc.stderr
        run = json.loads(proc.stdout)["name"]
        group = f"{run}-shards"
        obj = api[1].get_namespaced_custom_object("scheduling.x-k8s.io", "v1alpha1", namespace, "podgroups", group)
        assert obj["spec"]["minMember"] == 2
        owner = api[1].get_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns", run)
        assert obj["metadata"]["ownerReferences"] == [{"apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
                                                       "name": run, "uid": owner["metadata"]["uid"]}]
        pods = api[0].list_namespaced_pod(  # the TaskRuns' pods (not the affinity assistant's)
            namespace, label_selector=f"tekton.dev/pipelineRun={run},tekton.dev/pipelineTask").items
        assert len(pods) == 2 and {p.metadata.labels["scheduling.x-k8s.io/pod-group"] for p in pods} == {group}
        groups[run] = group
    assert len(set(groups.values())) == 2

    first, group = next(iter(groups.items()))
    api[1].delete_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns", first)

    def collected():  # Kubernetes' garbage collector deletes what the run owned
        names = {g["metadata"]["name"] for g in api[1].list_namespaced_custom_object(
            "scheduling.x-k8s.io", "v1alpha1", namespace, "podgroups")["items"]}
        return group not in names and names

    assert until(collected, timeout=120) == set(groups.values()) - {group}


def apply(api, namespace: str, documents: list[dict]) -> None:
    """What `kubectl apply -f` does with compiled output, through the API's typed clients."""
    from kubernetes import utils

    for document in documents:
        if document["apiVersion"].startswith("tekton.dev/"):
            api[1].create_namespaced_custom_object("tekton.dev", "v1", namespace, document["kind"].lower() + "s",
                                                   document)
        else:
            utils.create_from_dict(api[2].api_client, document, namespace=namespace)


def test_the_schedule_starts_a_run_that_succeeds(kubeconfig, namespace, api, node, tmp_path):
    compiled, said = compile_to(tmp_path, ADDER, "--schedule", "* * * * *", "--name", "nightly", "-p", "a=3",
                                "-p", "b=4")
    documents = list(yaml.safe_load_all(compiled.read_text()))
    assert [d["kind"] for d in documents] == ["Pipeline", "ServiceAccount", "Role", "RoleBinding", "CronJob"]
    apply(api, namespace, documents)
    from kubernetes import client

    batch = client.BatchV1Api(api[2].api_client)
    try:
        def scheduled_run():
            runs = api[1].list_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns",
                                                        label_selector="tekton.dev/pipeline=nightly")["items"]
            return runs[0]["metadata"]["name"] if runs else None

        run = until(scheduled_run, timeout=180, every=2)  # the next minute, the job's pod, its submit

        def job_succeeded():  # it ends once the run is created
            jobs = batch.list_namespaced_job(namespace, label_selector="app.kubernetes.io/component=schedule").items
            return any((j.status.succeeded or 0) >= 1 for j in jobs)

        until(job_succeeded, timeout=120, every=2)
    finally:
        batch.delete_namespaced_cron_job("nightly-schedule", namespace)  # its Jobs go with it
    proc = tk(kubeconfig, "wait", run, "-n", namespace, "--timeout", "10m", "--output", "json", timeout=900)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "Succeeded" and report["outputs"] == {"Output": 7}  # the Pipeline's defaults


def test_submit_wait_writes_the_runs_provenance(kubeconfig, namespace, node, tmp_path):
    """The Statement of a cluster run names the artifacts its TaskRuns' Chains results name."""
    from google.protobuf import json_format
    from in_toto_attestation.v1 import statement_pb2
    from in_toto_attestation.v1.statement import Statement

    from test_cluster_live import QUICKSTART

    statement = tmp_path / "provenance.json"
    proc = tk(kubeconfig, "submit", str(QUICKSTART), "-n", namespace, "--wait", "--timeout", "10m",
              "--provenance", str(statement), "--output", "json", timeout=900)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["provenance"] == str(statement)
    data = json.loads(statement.read_text())
    Statement.copy_from_pb(json_format.ParseDict(data, statement_pb2.Statement())).validate()
    assert {s["name"] for s in data["subject"]} == {"make-dataset/data", "train/model"}
    taskruns = {t: report["tasks"][t]["taskruns"][0]["results"] for t in ("make-dataset", "train")}
    for subject in data["subject"]:
        task, output = subject["name"].split("/")
        hint = taskruns[task][f"{output}-ARTIFACT_OUTPUTS"]
        hint = json.loads(hint) if isinstance(hint, str) else hint
        assert (hint["uri"], hint["digest"]) == (subject["uri"], "sha256:" + subject["digest"]["sha256"])
    predicate = data["predicate"]
    assert predicate["runDetails"]["builder"]["id"].endswith(f"/namespaces/{namespace}/pipelineruns")
    assert predicate["runDetails"]["metadata"]["invocationId"] == report["uid"]
