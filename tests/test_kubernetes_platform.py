"""kfp-kubernetes settings: the exact fields each becomes, and Tekton accepts the result."""

import pytest
from kfp import kubernetes

from tekflow import dsl
from tekflow.compiler import Compiler
from tekflow.compiler.emit import to_yaml
from tekflow.compiler.serde import to_data
from tekflow.errors import NotSupportedError
from tekton_validation import validate_yaml


@dsl.component(base_image="python:3.11")
def work() -> int:
    return 1


@dsl.pipeline(name="kubernetes-settings")
def settings():
    t = work()
    kubernetes.use_secret_as_env(t, secret_name="api", secret_key_to_env={"token": "API_TOKEN"})
    kubernetes.use_secret_as_volume(t, secret_name="certs", mount_path="/etc/certs")
    kubernetes.use_config_map_as_env(t, config_map_name="settings", config_map_key_to_env={"level": "LOG_LEVEL"})
    kubernetes.use_config_map_as_volume(t, config_map_name="conf", mount_path="/etc/conf")
    kubernetes.mount_pvc(t, pvc_name="datasets", mount_path="/data")
    kubernetes.empty_dir_mount(t, volume_name="scratch", mount_path="/scratch", medium="Memory", size_limit="1Gi")
    kubernetes.use_field_path_as_env(t, env_name="POD_NAME", field_path="metadata.name")
    kubernetes.add_node_selector(t, label_key="pool", label_value="cpu")
    kubernetes.add_toleration(t, key="dedicated", operator="Equal", value="ml", effect="NoSchedule")
    kubernetes.add_node_affinity(t, match_expressions=[{"key": "zone", "operator": "In", "values": ["a", "b"]}])
    kubernetes.add_node_affinity(t, match_expressions=[{"key": "ssd", "operator": "Exists"}], weight=10)
    kubernetes.add_pod_label(t, "team", "ml")
    kubernetes.add_pod_annotation(t, "owner", "ada")
    kubernetes.set_image_pull_secrets(t, ["registry"])
    kubernetes.set_image_pull_policy(t, "Always")
    kubernetes.set_timeout(t, 600)


@pytest.fixture(scope="module")
def compiled():
    run = Compiler().compile_to_pipelinerun(settings)
    report = validate_yaml(to_yaml(run))
    assert report.ok, report.errors
    (task,) = run.spec.pipeline_spec.tasks
    (spec,) = run.spec.task_run_specs
    main = next(s for s in task.task_spec.steps if s.name == "main")
    return task, to_data(spec), to_data(main)


def test_secrets_config_maps_and_field_paths_as_env_of_the_main_step_only(compiled):
    task, _, main = compiled
    assert main["env"] == [
        {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "api", "key": "token"}}},
        {"name": "LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "level"}}},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    ]
    others = [s for s in task.task_spec.steps if s.name != "main"]
    assert all(not s.env and not s.volume_mounts for s in others)  # never the launcher's steps


def test_volumes_and_mounts(compiled):
    task, _, main = compiled
    assert [to_data(v) for v in task.task_spec.volumes] == [
        {"name": "secret-certs", "secret": {"secretName": "certs"}},
        {"name": "configmap-conf", "configMap": {"name": "conf"}},
        {"name": "pvc-datasets", "persistentVolumeClaim": {"claimName": "datasets"}},
        {"name": "emptydir-scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
    ]
    assert main["volumeMounts"] == [
        {"name": "secret-certs", "mountPath": "/etc/certs"}, {"name": "configmap-conf", "mountPath": "/etc/conf"},
        {"name": "pvc-datasets", "mountPath": "/data"}, {"name": "emptydir-scratch", "mountPath": "/scratch"},
    ]


def test_pod_level_settings_through_task_run_specs(compiled):
    task, spec, main = compiled
    assert spec == {
        "pipelineTaskName": task.name,
        "podTemplate": {
            "nodeSelector": {"pool": "cpu"},
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "ml", "effect": "NoSchedule"}],
            "affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}]},
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 10, "preference": {"matchExpressions": [{"key": "ssd", "operator": "Exists"}]}}]}},
            "imagePullSecrets": [{"name": "registry"}],
        },
        "metadata": {"labels": {"team": "ml"}, "annotations": {"owner": "ada"}},
    }
    assert main["imagePullPolicy"] == "Always"
    assert task.timeout == "600s"


def test_settings_that_cannot_be_lowered_are_reported():
    @dsl.pipeline(name="security")
    def security():
        t = work()
        kubernetes.set_security_context(t, run_as_user=1000)

    with pytest.raises(NotSupportedError, match="not supported yet: kfp-kubernetes"):
        Compiler().compile_to_pipelinerun(security)
