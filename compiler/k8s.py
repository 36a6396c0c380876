"""Kubernetes core/v1 pod-level types used inside Tekton objects, after k8s.io/api/core/v1.

Plain dataclasses with the same field names as the API (camelCase on the wire), so the
compiler and the local executor stay light: importing the ``kubernetes`` client's thousand
models costs about half a second, more than a whole compile. Only the fields tekflow emits
or reads are here; parsing anything else is a strict error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from .names import is_dns_label, is_label_value, is_qualified_name

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



# Checks after Kubernetes' own validation of these types (pkg/apis/core/validation), for values a
# user gives directly (dsl hints): each returns the first problem as "FIELD: what is wrong", or None.

TOLERATION_OPERATORS = ("Equal", "Exists")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
NODE_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
LABEL_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_LABEL_KEY_RULE = ("an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.', "
                   "starting and ending alphanumeric")
_LABEL_VALUE_RULE = "at most 63 letters, digits, '-', '_' and '.', starting and ending alphanumeric"


def label_key_problem(key: str, what: str) -> Optional[str]:
    """'WHAT KEY is not a valid label key (the rule)', or None."""
    if not is_qualified_name(key):
        return f"{what} {key!r} is not a valid label key ({_LABEL_KEY_RULE})"
    return None


def label_value_problem(value: str, what: str) -> Optional[str]:
    if not is_label_value(value):
        return f"{what} {value!r} is not a valid label value ({_LABEL_VALUE_RULE})"
    return None


def labels_problem(labels: dict[str, str], what: str) -> Optional[str]:
    for key, value in labels.items():
        problem = label_key_problem(key, f"{what} key") or label_value_problem(value, f"{what}[{key!r}]")
        if problem:
            return problem
    return None


def toleration_problem(toleration: Toleration, where: str) -> Optional[str]:
    key, operator, value, effect = (toleration.key or "", toleration.operator or "", toleration.value or "",
                                    toleration.effect or "")
    if operator not in ("", *TOLERATION_OPERATORS):
        return f"{where}.operator: {operator!r} is not supported (Equal or Exists; empty means Equal)"
    if key:
        problem = label_key_problem(key, f"{where}.key")
        if problem:
            return problem
    elif operator != "Exists":
        return f"{where}.operator: must be 'Exists' when key is empty (which tolerates every taint)"
    if toleration.toleration_seconds is not None and effect != "NoExecute":
        return f"{where}.effect: must be 'NoExecute' when tolerationSeconds is set"
    if operator == "Exists" and value:
        return f"{where}.value: must be empty when operator is 'Exists'"
    if operator != "Exists":
        problem = label_value_problem(value, f"{where}.value")
        if problem:
            return problem
    if effect and effect not in TAINT_EFFECTS:
        return f"{where}.effect: {effect!r} is not supported ({', '.join(TAINT_EFFECTS)}; empty means all)"
    return None


def affinity_problem(affinity: Affinity, where: str) -> Optional[str]:
    node = affinity.node_affinity
    if node is not None:
        required = node.required_during_scheduling_ignored_during_execution
        path = f"{where}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        if required is not None:
            if not required.node_selector_terms:
                return f"{path}.nodeSelectorTerms: must have at least one node selector term"
            for i, term in enumerate(required.node_selector_terms):
                problem = _node_selector_term_problem(term, f"{path}.nodeSelectorTerms[{i}]")
                if problem:
                    return problem
        path = f"{where}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"
        for i, preferred in enumerate(node.preferred_during_scheduling_ignored_during_execution):
            problem = _weight_problem(preferred.weight, f"{path}[{i}].weight") or \
                _node_selector_term_problem(preferred.preference, f"{path}[{i}].preference")
            if problem:
                return problem
    for name, pod in (("podAffinity", affinity.pod_affinity), ("podAntiAffinity", affinity.pod_anti_affinity)):
        if pod is None:
            continue
        path = f"{where}.{name}.requiredDuringSchedulingIgnoredDuringExecution"
        for i, term in enumerate(pod.required_during_scheduling_ignored_during_execution):
            problem = _pod_affinity_term_problem(term, f"{path}[{i}]")
            if problem:
                return problem
        path = f"{where}.{name}.preferredDuringSchedulingIgnoredDuringExecution"
        for i, weighted in enumerate(pod.preferred_during_scheduling_ignored_during_execution):
            problem = _weight_problem(weighted.weight, f"{path}[{i}].weight") or \
                _pod_affinity_term_problem(weighted.pod_affinity_term, f"{path}[{i}].podAffinityTerm")
            if problem:
                return problem
    return None


def _weight_problem(weight: int, where: str) -> Optional[str]:
    return None if 1 <= weight <= 100 else f"{where}: {weight} is not in the range 1-100"


def _node_selector_term_problem(term: NodeSelectorTerm, where: str) -> Optional[str]:
    for i, requirement in enumerate(term.match_expressions):
        at = f"{where}.matchExpressions[{i}]"
        operator, count = requirement.operator, len(requirement.values)
        if operator not in NODE_SELECTOR_OPERATORS:
            return f"{at}.operator: {operator!r} is not supported ({', '.join(NODE_SELECTOR_OPERATORS)})"
        if operator in ("In", "NotIn") and not count:
            return f"{at}.values: must be given when operator is 'In' or 'NotIn'"
        if operator in ("Exists", "DoesNotExist") and count:
            return f"{at}.values: must be empty when operator is 'Exists' or 'DoesNotExist'"
        if operator in ("Gt", "Lt") and count != 1:
            return f"{at}.values: must be a single value when operator is 'Gt' or 'Lt'"
        problem = label_key_problem(requirement.key, f"{at}.key")
        if problem:
            return problem
    for i, requirement in enumerate(term.match_fields):
        at = f"{where}.matchFields[{i}]"
        if requirement.key != "metadata.name":
            return f"{at}.key: {requirement.key!r} is not supported (only metadata.name)"
        if requirement.operator not in ("In", "NotIn"):
            return f"{at}.operator: {requirement.operator!r} is not supported (In or NotIn)"
        if len(requirement.values) != 1:
            return f"{at}.values: must have exactly one value"
    return None


def _pod_affinity_term_problem(term: PodAffinityTerm, where: str) -> Optional[str]:
    if not term.topology_key:
        return f"{where}.topologyKey: must not be empty"
    problem = label_key_problem(term.topology_key, f"{where}.topologyKey")
    if problem:
        return problem
    for i, namespace in enumerate(term.namespaces):
        if not is_dns_label(namespace):
            return f"{where}.namespaces[{i}]: {namespace!r} is not a valid namespace name (a DNS-1123 label)"
    selector = term.label_selector
    if selector is None:
        return None
    problem = labels_problem(selector.match_labels, f"{where}.labelSelector.matchLabels")
    if problem:
        return problem
    for i, requirement in enumerate(selector.match_expressions):
        at = f"{where}.labelSelector.matchExpressions[{i}]"
        if requirement.operator not in LABEL_SELECTOR_OPERATORS:
            return f"{at}.operator: {requirement.operator!r} is not supported ({', '.join(LABEL_SELECTOR_OPERATORS)})"
        if requirement.operator in ("In", "NotIn") and not requirement.values:
            return f"{at}.values: must be given when operator is 'In' or 'NotIn'"
        if requirement.operator in ("Exists", "DoesNotExist") and requirement.values:
            return f"{at}.values: must be empty when operator is 'Exists' or 'DoesNotExist'"
        problem = label_key_problem(requirement.key, f"{at}.key")
        if problem:
            return problem
    return None
