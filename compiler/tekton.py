"""Typed Tekton v1 objects (tekton.dev/v1), after pkg/apis/pipeline/v1.

Only the fields tekflow emits or the local executor understands are modelled; parsing a
document with any other field fails with a ModelError naming it. Pod-level types are
the dataclasses of ``k8s.py``. Use ``serde.to_data`` / ``serde.from_data`` to convert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

from .k8s import (
    Affinity,
    ConfigMapVolumeSource,
    EmptyDirVolumeSource,
    EnvFromSource,
    EnvVar,
    HostAlias,
    LocalObjectReference,
    ObjectMeta,
    PersistentVolumeClaim,
    PersistentVolumeClaimVolumeSource,
    PodDNSConfig,
    PodSecurityContext,
    ResourceRequirements,
    SecretVolumeSource,
    SecurityContext,
    Toleration,
    TopologySpreadConstraint,
    Volume,
    VolumeDevice,
    VolumeMount,
)

API_VERSION = "tekton.dev/v1"

# A Tekton parameter value is a string, an array of strings or an object of strings.
ParamValue = Union[str, list[str], dict[str, str]]


@dataclass
class PropertySpec:
    type: Optional[str] = None


@dataclass
class ParamSpec:
    name: str
    type: Optional[str] = None  # string | array | object
    description: Optional[str] = None
    properties: dict[str, PropertySpec] = field(default_factory=dict)
    default: Optional[ParamValue] = field(default=None, metadata={"keep_empty": True})
    enum: list[str] = field(default_factory=list)


@dataclass
class Param:
    name: str
    value: ParamValue = field(metadata={"keep_empty": True})


@dataclass
class TaskResult:
    name: str
    type: Optional[str] = None
    properties: dict[str, PropertySpec] = field(default_factory=dict)
    description: Optional[str] = None
    value: Optional[ParamValue] = None


@dataclass
class StepResult:
    name: str
    type: Optional[str] = None
    properties: dict[str, PropertySpec] = field(default_factory=dict)
    description: Optional[str] = None


@dataclass
class WorkspaceUsage:
    name: str
    mount_path: Optional[str] = None


@dataclass
class StepOutputConfig:
    path: Optional[str] = None


@dataclass
class Ref:
    """A Step's reference to a StepAction (`step.ref`)."""

    name: Optional[str] = None
    resolver: Optional[str] = None
    params: list[ResolverParam] = field(default_factory=list)


@dataclass
class Step:
    name: str = ""  # optional in Tekton: an unnamed step runs as "unnamed-<index>"
    image: Optional[str] = None
    display_name: Optional[str] = None
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    working_dir: Optional[str] = None
    env_from: list[EnvFromSource] = field(default_factory=list)
    env: list[EnvVar] = field(default_factory=list)
    compute_resources: Optional[ResourceRequirements] = None
    volume_mounts: list[VolumeMount] = field(default_factory=list)
    volume_devices: list[VolumeDevice] = field(default_factory=list)
    image_pull_policy: Optional[str] = None
    security_context: Optional[SecurityContext] = None
    script: Optional[str] = None
    timeout: Optional[str] = None
    workspaces: list[WorkspaceUsage] = field(default_factory=list)
    on_error: Optional[str] = None  # continue | stopAndFail
    stdout_config: Optional[StepOutputConfig] = None
    stderr_config: Optional[StepOutputConfig] = None
    results: list[StepResult] = field(default_factory=list)
    ref: Optional[Ref] = None
    params: list[Param] = field(default_factory=list)
    when: list[WhenExpression] = field(default_factory=list)


@dataclass
class StepTemplate:
    image: Optional[str] = None
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    working_dir: Optional[str] = None
    env_from: list[EnvFromSource] = field(default_factory=list)
    env: list[EnvVar] = field(default_factory=list)
    compute_resources: Optional[ResourceRequirements] = None
    volume_mounts: list[VolumeMount] = field(default_factory=list)
    volume_devices: list[VolumeDevice] = field(default_factory=list)
    image_pull_policy: Optional[str] = None
    security_context: Optional[SecurityContext] = None


@dataclass
class Sidecar:
    name: str
    image: Optional[str] = None
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    env: list[EnvVar] = field(default_factory=list)
    script: Optional[str] = None


@dataclass
class WorkspaceDeclaration:
    name: str
    description: Optional[str] = None
    mount_path: Optional[str] = None
    read_only: Optional[bool] = None
    optional: Optional[bool] = None


@dataclass
class TaskSpec:
    params: list[ParamSpec] = field(default_factory=list)
    display_name: Optional[str] = None
    description: Optional[str] = None
    steps: list[Step] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    step_template: Optional[StepTemplate] = None
    sidecars: list[Sidecar] = field(default_factory=list)
    workspaces: list[WorkspaceDeclaration] = field(default_factory=list)
    results: list[TaskResult] = field(default_factory=list)


@dataclass
class PipelineTaskMetadata:
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass
class EmbeddedTask(TaskSpec):
    """A PipelineTask's inline taskSpec: a TaskSpec plus pod metadata."""

    metadata: Optional[PipelineTaskMetadata] = None


@dataclass
class ResolverParam:
    name: str
    value: ParamValue


@dataclass
class TaskRef:
    name: Optional[str] = None
    kind: Optional[str] = None
    api_version: Optional[str] = None
    resolver: Optional[str] = None
    params: list[ResolverParam] = field(default_factory=list)


@dataclass
class PipelineRef:
    name: Optional[str] = None
    resolver: Optional[str] = None
    params: list[ResolverParam] = field(default_factory=list)


@dataclass
class WhenExpression:
    input: Optional[str] = None
    operator: Optional[str] = None  # in | notin
    values: list[str] = field(default_factory=list)
    cel: Optional[str] = None


@dataclass
class IncludeParams:
    name: str
    params: list[Param] = field(default_factory=list)


@dataclass
class Matrix:
    params: list[Param] = field(default_factory=list)
    include: list[IncludeParams] = field(default_factory=list)


@dataclass
class WorkspacePipelineTaskBinding:
    name: str
    workspace: Optional[str] = None
    sub_path: Optional[str] = None


@dataclass
class PipelineTask:
    name: str = ""  # required; left empty here so that validation names it like Tekton does
    display_name: Optional[str] = None
    description: Optional[str] = None
    task_ref: Optional[TaskRef] = None
    task_spec: Optional[EmbeddedTask] = None
    when: list[WhenExpression] = field(default_factory=list)
    on_error: Optional[str] = None
    retries: Optional[int] = None
    run_after: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    matrix: Optional[Matrix] = None
    workspaces: list[WorkspacePipelineTaskBinding] = field(default_factory=list)
    timeout: Optional[str] = None
    pipeline_ref: Optional[PipelineRef] = None
    pipeline_spec: Optional[PipelineSpec] = None


@dataclass
class PipelineResult:
    name: str
    value: ParamValue
    type: Optional[str] = None
    description: Optional[str] = None


@dataclass
class PipelineWorkspaceDeclaration:
    name: str
    description: Optional[str] = None
    optional: Optional[bool] = None


@dataclass
class PipelineSpec:
    display_name: Optional[str] = None
    description: Optional[str] = None
    tasks: list[PipelineTask] = field(default_factory=list)
    params: list[ParamSpec] = field(default_factory=list)
    workspaces: list[PipelineWorkspaceDeclaration] = field(default_factory=list)
    results: list[PipelineResult] = field(default_factory=list)
    finally_: list[PipelineTask] = field(default_factory=list, metadata={"json": "finally"})


@dataclass
class TimeoutFields:
    pipeline: Optional[str] = None
    tasks: Optional[str] = None
    finally_: Optional[str] = field(default=None, metadata={"json": "finally"})


@dataclass
class PodTemplate:
    node_selector: dict[str, str] = field(default_factory=dict)
    env: list[EnvVar] = field(default_factory=list)
    tolerations: list[Toleration] = field(default_factory=list)
    affinity: Optional[Affinity] = None
    security_context: Optional[PodSecurityContext] = None
    volumes: list[Volume] = field(default_factory=list)
    runtime_class_name: Optional[str] = None
    automount_service_account_token: Optional[bool] = None
    dns_policy: Optional[str] = None
    dns_config: Optional[PodDNSConfig] = None
    enable_service_links: Optional[bool] = None
    priority_class_name: Optional[str] = None
    scheduler_name: Optional[str] = None
    image_pull_secrets: list[LocalObjectReference] = field(default_factory=list)
    host_aliases: list[HostAlias] = field(default_factory=list)
    host_network: Optional[bool] = None
    topology_spread_constraints: list[TopologySpreadConstraint] = field(default_factory=list)


@dataclass
class WorkspaceBinding:
    name: str
    sub_path: Optional[str] = None
    volume_claim_template: Optional[PersistentVolumeClaim] = None
    persistent_volume_claim: Optional[PersistentVolumeClaimVolumeSource] = None
    empty_dir: Optional[EmptyDirVolumeSource] = None
    config_map: Optional[ConfigMapVolumeSource] = None
    secret: Optional[SecretVolumeSource] = None


@dataclass
class TaskRunStepSpec:
    name: str
    compute_resources: Optional[ResourceRequirements] = None


@dataclass
class PipelineTaskRunSpec:
    pipeline_task_name: str
    service_account_name: Optional[str] = None
    pod_template: Optional[PodTemplate] = None
    step_specs: list[TaskRunStepSpec] = field(default_factory=list)
    metadata: Optional[PipelineTaskMetadata] = None
    compute_resources: Optional[ResourceRequirements] = None
    timeout: Optional[str] = None


@dataclass
class TaskRunTemplate:
    pod_template: Optional[PodTemplate] = None
    service_account_name: Optional[str] = None


@dataclass
class PipelineRunSpec:
    pipeline_ref: Optional[PipelineRef] = None
    pipeline_spec: Optional[PipelineSpec] = None
    params: list[Param] = field(default_factory=list)
    status: Optional[str] = None
    timeouts: Optional[TimeoutFields] = None
    task_run_template: Optional[TaskRunTemplate] = None
    workspaces: list[WorkspaceBinding] = field(default_factory=list)
    task_run_specs: list[PipelineTaskRunSpec] = field(default_factory=list)


@dataclass(kw_only=True)
class PipelineRun:
    api_version: str = API_VERSION
    kind: str = "PipelineRun"
    # absent fields are Go's zero values, which Tekton's validation then names
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: PipelineRunSpec = field(default_factory=PipelineRunSpec)


@dataclass(kw_only=True)
class Pipeline:
    api_version: str = API_VERSION
    kind: str = "Pipeline"
    # absent fields are Go's zero values, which Tekton's validation then names
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: PipelineSpec = field(default_factory=PipelineSpec)


@dataclass(kw_only=True)
class Task:
    api_version: str = API_VERSION
    kind: str = "Task"
    # absent fields are Go's zero values, which Tekton's validation then names
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: TaskSpec = field(default_factory=TaskSpec)


DOCUMENT_KINDS: dict[str, type] = {"PipelineRun": PipelineRun, "Pipeline": Pipeline, "Task": Task}


def document_from_data(data: Any) -> Any:
    """Parse one YAML document (a dict) into PipelineRun, Pipeline or Task."""
    from .serde import ModelError, from_data

    if not isinstance(data, dict):
        raise ModelError("document: expected a mapping")
    kind = data.get("kind")
    if kind not in DOCUMENT_KINDS:
        raise ModelError(f"kind: expected one of {sorted(DOCUMENT_KINDS)}, got {kind!r}")
    if data.get("apiVersion") != API_VERSION:
        raise ModelError(f"apiVersion: expected {API_VERSION}, got {data.get('apiVersion')!r}")
    return from_data(DOCUMENT_KINDS[kind], data, kind)
