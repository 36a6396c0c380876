"""Compiler options (CLI flags and the Python API share them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from tekflow import __version__

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
