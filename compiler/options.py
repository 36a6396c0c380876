"""Compiler options (CLI flags and the Python API share them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from tekflow import __version__
from tekflow.errors import TekflowError

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Kubernetes resource quantities: 10Gi, 500M, 1.5T, 1e9
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$")

DEFAULT_LAUNCHER_IMAGE = f"tekflow-launcher:{__version__}"
DEFAULT_PVC_SIZE = "10Gi"


@dataclass
class CompileOptions:
    # Artifact store root URI (s3://, gs://, file://…); None: a per-run PVC workspace.
    pipeline_root: Optional[str] = None
    # Image with tekflow installed; runs the prepare and publish steps (see hack/launcher).
    launcher_image: str = DEFAULT_LAUNCHER_IMAGE
    # Values for pipeline parameters, set on the PipelineRun (checked against the IR types).
    parameters: dict[str, Any] = field(default_factory=dict)
    # metadata.name of the PipelineRun; None: generateName "<pipeline>-".
    run_name: Optional[str] = None
    namespace: Optional[str] = None
    pvc_size: str = DEFAULT_PVC_SIZE
    storage_class: Optional[str] = None
    # MLflow tracking from inside the cluster: the launcher records the run (None: off)
    tracking_uri: Optional[str] = None
    # a Secret whose keys become the launcher's environment (MLFLOW_TRACKING_TOKEN, _USERNAME, _PASSWORD…)
    tracking_secret: Optional[str] = None
    experiment: Optional[str] = None
    # cluster profile for GPU hints: a built-in name (gfd, gke, eks) or a YAML file
    profile: Optional[str] = None

    def __post_init__(self) -> None:
        """Check values that would otherwise make an object the API server rejects."""
        if self.run_name is not None and not _DNS_SUBDOMAIN.match(self.run_name):
            raise TekflowError(f"--run-name {self.run_name!r} is not a valid Kubernetes name "
                               "(lowercase letters, digits, '-' and '.', starting and ending alphanumeric)")
        if self.namespace is not None and not _DNS_LABEL.match(self.namespace):
            raise TekflowError(f"--namespace {self.namespace!r} is not a valid namespace "
                               "(at most 63 lowercase letters, digits and '-', starting and ending alphanumeric)")
        if not _QUANTITY.match(self.pvc_size or ""):
            raise TekflowError(f"--pvc-size {self.pvc_size!r} is not a Kubernetes quantity (e.g. 10Gi, 500Mi)")
        if self.tracking_secret is not None and not _DNS_SUBDOMAIN.match(self.tracking_secret):
            raise TekflowError(f"--tracking-secret {self.tracking_secret!r} is not a valid Secret name")
        if self.tracking_uri is not None:
            from urllib.parse import urlparse

            parsed = urlparse(self.tracking_uri)
            if parsed.username or parsed.password:
                raise TekflowError("--tracking-uri must not hold credentials; put them in a Secret (--tracking-secret)")
        if not (self.launcher_image or "").strip() or any(c.isspace() for c in self.launcher_image):
            raise TekflowError(f"--launcher-image {self.launcher_image!r} is not an image reference")
