"""Choose the artifact store: a per-run PVC workspace by default, or an object-store URI."""

from __future__ import annotations

from urllib.parse import urlparse


from tekflow.errors import TekflowError

from .. import k8s, tekton
from ..context import ARTIFACTS_WORKSPACE, IO_WORKSPACE, Lowering

SUPPORTED_SCHEMES = ("file", "s3", "gs", "gcs", "minio")


def run(ctx: Lowering) -> None:
    ctx.pipeline.workspaces.append(
        tekton.PipelineWorkspaceDeclaration(name=IO_WORKSPACE, description="Per-task scratch space shared by the task's steps.")
    )
    ctx.run_workspaces.append(tekton.WorkspaceBinding(name=IO_WORKSPACE, empty_dir=k8s.EmptyDirVolumeSource()))
    root = ctx.options.pipeline_root
    if root is None:
        ctx.pipeline.workspaces.append(
            tekton.PipelineWorkspaceDeclaration(name=ARTIFACTS_WORKSPACE, description="The run's artifact store.")
        )
        ctx.run_workspaces.append(
            tekton.WorkspaceBinding(
                name=ARTIFACTS_WORKSPACE,
                volume_claim_template=k8s.PersistentVolumeClaim(
                    metadata=k8s.ObjectMeta(labels={"tekflow.dev/store": "artifacts"}),
                    spec=k8s.PersistentVolumeClaimSpec(
                        access_modes=["ReadWriteOnce"],
                        storage_class_name=ctx.options.storage_class,
                        resources=k8s.VolumeResourceRequirements(requests={"storage": ctx.options.pvc_size}),
                    ),
                ),
            )
        )
        ctx.pipeline_root = f"file://$(workspaces.{ARTIFACTS_WORKSPACE}.path)"
        return
    scheme = urlparse(root).scheme
    if scheme not in SUPPORTED_SCHEMES:
        raise TekflowError(
            f"pipeline root {root!r}: unsupported scheme {scheme or '(none)'!r}; use one of "
            + ", ".join(f"{s}://" for s in SUPPORTED_SCHEMES)
        )
    parsed = urlparse(root)
    if scheme == "file" and (parsed.netloc not in ("", "localhost") or not parsed.path.startswith("/")):
        # file://rel names the host "rel"; every step would also read a relative path from its own directory
        raise TekflowError(f"pipeline root {root!r}: a file:// root needs an absolute path, e.g. file:///data/tekflow")
    if "$(" in root:
        raise TekflowError(f"pipeline root {root!r} must not contain '$(' (Tekton would substitute it)")
    ctx.pipeline_root = root.rstrip("/")


def uses_artifact_workspace(ctx: Lowering) -> bool:
    return ctx.options.pipeline_root is None
