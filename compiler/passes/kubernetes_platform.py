"""kfp-kubernetes settings (`platforms.kubernetes` of the IR) -> the task's main step and pod.

Secrets and ConfigMaps as env or volumes, PVC mounts, empty dirs and field-path env go to the
main step (volumes on its taskSpec); node selectors, tolerations, node affinity, image pull
secrets through `taskRunSpecs[].podTemplate`; pod labels and annotations through
`taskRunSpecs[].metadata`; the timeout on the PipelineTask. Anything else is reported.
"""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format

from tekflow.errors import NotSupportedError, TekflowError

from .. import k8s, tekton
from ..context import Lowering, TaskNode
from .pod import require as _require, task_run_spec as _task_run_spec, tolerate as _tolerate

KEY = "kubernetes"
HANDLED = {"secretAsEnv", "secretAsVolume", "configMapAsEnv", "configMapAsVolume", "pvcMount", "emptyDirMounts",
           "fieldPathAsEnv", "nodeSelector", "tolerations", "nodeAffinity", "podMetadata", "imagePullSecret",
           "imagePullPolicy", "activeDeadlineSeconds"}


def run(ctx: Lowering) -> None:
    platform = ctx.ir.platform.platforms.get(KEY)
    if platform is None:
        return
    executors = json_format.MessageToDict(platform.deployment_spec).get("executors", {})
    for node in ctx.nodes.values():
        config = executors.get(node.component.executor_label)
        if config:
            try:
                _apply(ctx, node, config)
            except KeyError as e:  # an IR file's setting without a field kfp-kubernetes always writes
                raise TekflowError(f"task {node.kfp_name!r}: a kfp-kubernetes setting has no {e.args[0]!r} field "
                                   f"(platforms.kubernetes.deploymentSpec.executors."
                                   f"{node.component.executor_label})") from None


def _name(value: dict[str, Any], field: str, what: str, where: str) -> str:
    """A Secret / ConfigMap / PVC name: only constants (kfp also allows task outputs)."""
    parameter = value.get(f"{field}Parameter", {})
    if parameter and "runtimeValue" not in parameter:
        raise NotSupportedError(f"not supported yet: a {what} name from a parameter or task output in {where}")
    name = value.get(field) or value.get("constant") or parameter.get("runtimeValue", {}).get("constant")
    if not name:
        raise TekflowError(f"{where}: a {what} without a name")
    return name


def _volume_name(prefix: str, name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-")
    return f"{prefix}-{cleaned}"[:63].rstrip("-")


def _apply(ctx: Lowering, node: TaskNode, config: dict[str, Any]) -> None:
    where = f"task {node.kfp_name!r}"
    unknown = sorted(set(config) - HANDLED)
    if unknown:
        raise NotSupportedError(f"not supported yet: kfp-kubernetes {', '.join(unknown)} in {where}")
    task = node.pipeline_task
    main = next(s for s in task.task_spec.steps if s.name == "main")

    def mount(volume: k8s.Volume, path: str) -> None:
        if all(v.name != volume.name for v in task.task_spec.volumes):
            task.task_spec.volumes.append(volume)
        main.volume_mounts.append(k8s.VolumeMount(name=volume.name, mount_path=path))

    for entry in config.get("secretAsEnv", []):
        name = _name(entry, "secretName", "Secret", where)
        for item in entry.get("keyToEnv", []):
            main.env.append(k8s.EnvVar(name=item["envVar"], value_from=k8s.EnvVarSource(
                secret_key_ref=k8s.KeySelector(name=name, key=item["secretKey"],
                                               optional=entry.get("optional") or None))))
    for entry in config.get("configMapAsEnv", []):
        name = _name(entry, "configMapName", "ConfigMap", where)
        for item in entry.get("keyToEnv", []):
            main.env.append(k8s.EnvVar(name=item["envVar"], value_from=k8s.EnvVarSource(
                config_map_key_ref=k8s.KeySelector(name=name, key=item["configMapKey"],
                                                   optional=entry.get("optional") or None))))
    for entry in config.get("fieldPathAsEnv", []):
        main.env.append(k8s.EnvVar(name=entry["name"], value_from=k8s.EnvVarSource(
            field_ref=k8s.ObjectFieldSelector(field_path=entry["fieldPath"]))))
    for entry in config.get("secretAsVolume", []):
        name = _name(entry, "secretName", "Secret", where)
        mount(k8s.Volume(name=_volume_name("secret", name), secret=k8s.SecretVolumeSource(
            secret_name=name, optional=entry.get("optional") or None)), entry["mountPath"])
    for entry in config.get("configMapAsVolume", []):
        name = _name(entry, "configMapName", "ConfigMap", where)
        mount(k8s.Volume(name=_volume_name("configmap", name), config_map=k8s.ConfigMapVolumeSource(
            name=name, optional=entry.get("optional") or None)), entry["mountPath"])
    for entry in config.get("pvcMount", []):
        name = _name(entry, "pvcName", "PVC", where) if "pvcName" in entry or "pvcNameParameter" in entry \
            else entry.get("constant")
        if not name:
            raise NotSupportedError(f"not supported yet: a PVC created by kubernetes.CreatePVC in {where} "
                                    "(name an existing PVC)")
        mount(k8s.Volume(name=_volume_name("pvc", name), persistent_volume_claim=k8s.PersistentVolumeClaimVolumeSource(
            claim_name=name)), entry["mountPath"])
    for entry in config.get("emptyDirMounts", []):
        mount(k8s.Volume(name=_volume_name("emptydir", entry["volumeName"]), empty_dir=k8s.EmptyDirVolumeSource(
            medium=entry.get("medium") or None, size_limit=entry.get("sizeLimit") or None)), entry["mountPath"])
    if config.get("imagePullPolicy"):
        main.image_pull_policy = config["imagePullPolicy"]
    if config.get("activeDeadlineSeconds"):
        task.timeout = f"{int(float(config['activeDeadlineSeconds']))}s"

    pod_level = {"nodeSelector", "tolerations", "nodeAffinity", "imagePullSecret", "podMetadata"}
    if not pod_level & set(config):
        return
    spec = _task_run_spec(ctx, node)
    template = spec.pod_template
    template.node_selector.update(config.get("nodeSelector", {}).get("labels", {}))
    for toleration in config.get("tolerations", []):
        _tolerate(template, k8s.Toleration(key=toleration.get("key"), operator=toleration.get("operator"),
                                           value=toleration.get("value"), effect=toleration.get("effect"),
                                           toleration_seconds=toleration.get("tolerationSeconds")))
    for term in config.get("nodeAffinity", []):
        requirements = [k8s.NodeSelectorRequirement(key=e["key"], operator=e["operator"], values=e.get("values", []))
                        for e in term.get("matchExpressions", [])]
        if term.get("weight"):
            template.affinity = template.affinity or k8s.Affinity()
            affinity = template.affinity.node_affinity = template.affinity.node_affinity or k8s.NodeAffinity()
            affinity.preferred_during_scheduling_ignored_during_execution.append(k8s.PreferredSchedulingTerm(
                weight=int(term["weight"]), preference=k8s.NodeSelectorTerm(match_expressions=requirements)))
        elif requirements:
            _require(template, requirements)
    for secret in config.get("imagePullSecret", []):
        template.image_pull_secrets.append(k8s.LocalObjectReference(name=_name(secret, "secretName", "Secret", where)))
    metadata = config.get("podMetadata", {})
    if metadata:
        spec.metadata = spec.metadata or tekton.PipelineTaskMetadata()
        spec.metadata.labels.update(metadata.get("labels", {}))
        spec.metadata.annotations.update(metadata.get("annotations", {}))
