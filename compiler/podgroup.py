"""PodGroup objects for gang scheduling (not Tekton kinds: emitted beside the PipelineRun).

Volcano's `scheduling.volcano.sh/v1beta1` and scheduler-plugins coscheduling's
`scheduling.x-k8s.io/v1alpha1` share the fields used here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .k8s import ObjectMeta

API_VERSIONS = {"volcano": "scheduling.volcano.sh/v1beta1", "coscheduling": "scheduling.x-k8s.io/v1alpha1"}


@dataclass
class PodGroupSpec:
    min_member: int
    priority_class_name: Optional[str] = None  # Volcano only
    queue: Optional[str] = None  # Volcano only: the Volcano Queue that admits the gang


@dataclass(kw_only=True)
class PodGroup:
    api_version: str
    kind: str = "PodGroup"
    metadata: ObjectMeta
    spec: PodGroupSpec
