"""Kubernetes core/v1 pod-level types used inside Tekton objects, after k8s.io/api/core/v1.

Plain dataclasses with the same field names as the API (camelCase on the wire), so the
compiler and the local executor stay light: importing the ``kubernetes`` client's thousand
models costs about half a second, more than a whole compile. Only the fields tekflow emits
or reads are here; parsing anything else is a strict error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

Quantity = Union[str, int]


@dataclass
class ObjectMeta:
    name: Optional[str] = None
    generate_name: Optional[str] = None
    namespace: Optional[str] = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass
class LocalObjectReference:
    name: str


@dataclass
class KeySelector:
    """SecretKeySelector / ConfigMapKeySelector."""

    name: str
    key: str
    optional: Optional[bool] = None


@dataclass
class ObjectFieldSelector:
    field_path: str
    api_version: Optional[str] = None


@dataclass
class ResourceFieldSelector:
    resource: str
    container_name: Optional[str] = None
    divisor: Optional[Quantity] = None


@dataclass
class EnvVarSource:
    secret_key_ref: Optional[KeySelector] = None
    config_map_key_ref: Optional[KeySelector] = None
    field_ref: Optional[ObjectFieldSelector] = None
    resource_field_ref: Optional[ResourceFieldSelector] = None


@dataclass
class EnvVar:
    name: str
    value: Optional[str] = field(default=None, metadata={"keep_empty": True})
    value_from: Optional[EnvVarSource] = None


@dataclass
class NamedSource:
    """SecretEnvSource / ConfigMapEnvSource."""

    name: str
    optional: Optional[bool] = None


@dataclass
class EnvFromSource:
    prefix: Optional[str] = None
    secret_ref: Optional[NamedSource] = None
    config_map_ref: Optional[NamedSource] = None


@dataclass
class ResourceRequirements:
    limits: dict[str, Quantity] = field(default_factory=dict)
    requests: dict[str, Quantity] = field(default_factory=dict)


@dataclass
class VolumeMount:
    name: str
    mount_path: str
    read_only: Optional[bool] = None
    sub_path: Optional[str] = None


@dataclass
class VolumeDevice:
    name: str
    device_path: str


@dataclass
class KeyToPath:
    key: str
    path: str
    mode: Optional[int] = None


@dataclass
class SecretVolumeSource:
    secret_name: Optional[str] = None
    items: list[KeyToPath] = field(default_factory=list)
    default_mode: Optional[int] = None
    optional: Optional[bool] = None


@dataclass
class ConfigMapVolumeSource:
    name: Optional[str] = None
    items: list[KeyToPath] = field(default_factory=list)
    default_mode: Optional[int] = None
    optional: Optional[bool] = None


@dataclass
class EmptyDirVolumeSource:
    medium: Optional[str] = None
    size_limit: Optional[Quantity] = None


@dataclass
class PersistentVolumeClaimVolumeSource:
    claim_name: str
    read_only: Optional[bool] = None


@dataclass
class Volume:
    name: str
    empty_dir: Optional[EmptyDirVolumeSource] = None
    secret: Optional[SecretVolumeSource] = None
    config_map: Optional[ConfigMapVolumeSource] = None
    persistent_volume_claim: Optional[PersistentVolumeClaimVolumeSource] = None


@dataclass
class VolumeResourceRequirements:
    limits: dict[str, Quantity] = field(default_factory=dict)
    requests: dict[str, Quantity] = field(default_factory=dict)


@dataclass
class PersistentVolumeClaimSpec:
    access_modes: list[str] = field(default_factory=list)
    storage_class_name: Optional[str] = None
    resources: Optional[VolumeResourceRequirements] = None
    volume_mode: Optional[str] = None


@dataclass
class PersistentVolumeClaim:
    metadata: Optional[ObjectMeta] = None
    spec: Optional[PersistentVolumeClaimSpec] = None


@dataclass
class Toleration:
    key: Optional[str] = None
    operator: Optional[str] = None  # Exists | Equal
    value: Optional[str] = None
    effect: Optional[str] = None  # NoSchedule | PreferNoSchedule | NoExecute
    toleration_seconds: Optional[int] = None


@dataclass
class NodeSelectorRequirement:
    key: str
    operator: str  # In | NotIn | Exists | DoesNotExist | Gt | Lt
    values: list[str] = field(default_factory=list)


@dataclass
class NodeSelectorTerm:
    match_expressions: list[NodeSelectorRequirement] = field(default_factory=list)
    match_fields: list[NodeSelectorRequirement] = field(default_factory=list)


@dataclass
class NodeSelector:
    node_selector_terms: list[NodeSelectorTerm] = field(default_factory=list)


@dataclass
class PreferredSchedulingTerm:
    weight: int
    preference: NodeSelectorTerm


@dataclass
class NodeAffinity:
    required_during_scheduling_ignored_during_execution: Optional[NodeSelector] = None
    preferred_during_scheduling_ignored_during_execution: list[PreferredSchedulingTerm] = field(default_factory=list)


@dataclass
class LabelSelectorRequirement:
    key: str
    operator: str
    values: list[str] = field(default_factory=list)


@dataclass
class LabelSelector:
    match_labels: dict[str, str] = field(default_factory=dict)
    match_expressions: list[LabelSelectorRequirement] = field(default_factory=list)


@dataclass
class PodAffinityTerm:
    topology_key: str
    label_selector: Optional[LabelSelector] = None
    namespaces: list[str] = field(default_factory=list)


@dataclass
class WeightedPodAffinityTerm:
    weight: int
    pod_affinity_term: PodAffinityTerm


@dataclass
class PodAffinity:
    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] = field(default_factory=list)
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] = field(default_factory=list)


@dataclass
class Affinity:
    node_affinity: Optional[NodeAffinity] = None
    pod_affinity: Optional[PodAffinity] = None
    pod_anti_affinity: Optional[PodAffinity] = None


@dataclass
class Capabilities:
    add: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)


@dataclass
class SecurityContext:
    run_as_user: Optional[int] = None
    run_as_group: Optional[int] = None
    run_as_non_root: Optional[bool] = None
    privileged: Optional[bool] = None
    read_only_root_filesystem: Optional[bool] = None
    allow_privilege_escalation: Optional[bool] = None
    capabilities: Optional[Capabilities] = None


@dataclass
class PodSecurityContext:
    run_as_user: Optional[int] = None
    run_as_group: Optional[int] = None
    run_as_non_root: Optional[bool] = None
    fs_group: Optional[int] = None
    supplemental_groups: list[int] = field(default_factory=list)


@dataclass
class HostAlias:
    ip: str
    hostnames: list[str] = field(default_factory=list)


@dataclass
class TopologySpreadConstraint:
    max_skew: int
    topology_key: str
    when_unsatisfiable: str
    label_selector: Optional[LabelSelector] = None


@dataclass
class PodDNSConfigOption:
    name: str
    value: Optional[str] = None


@dataclass
class PodDNSConfig:
    nameservers: list[str] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)
    options: list[PodDNSConfigOption] = field(default_factory=list)

