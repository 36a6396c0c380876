"""Compiler options (CLI flags and the Python API share them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from tekflow import __version__
from tekflow.errors import TekflowError

from .names import is_dns_label, is_dns_subdomain, is_quantity
from .profiles import GANG_SCHEDULERS


DEFAULT_LAUNCHER_IMAGE = f"tekflow-launcher:{__version__}"
DEFAULT_PVC_SIZE = "10Gi"
KINDS = ("pipelinerun", "pipeline")  # --kind


def check_run_timeout(text: str, option: str = "--timeout") -> None:
    """A run's timeout as Tekton takes it: a Go duration, not negative (0: none)."""
    from .validation import duration

    try:
        negative = duration.parse(text) < 0
    except duration.DurationError:
        negative = True
    if negative:
        raise TekflowError(f"{option} {text!r} is not a duration (e.g. 2h, 90m, 1h30m; 0: no timeout)")


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
    # gang scheduling through kueue, volcano or coscheduling; None: the profile's (kueue by default)
    gang_scheduler: Optional[str] = None
    # every task's spec as a `Task` document named by `taskRef` (for PipelineRuns too large to embed them)
    task_documents: bool = False
    # the run's timeouts.pipeline, a Go duration (2h, 90m; 0: none); None: Tekton's default, 60 min
    timeout: Optional[str] = None
    # the ServiceAccount the run's pods use (its secrets: the pipeline root's credentials…); None: `default`
    service_account: Optional[str] = None
    # what to write: a PipelineRun, or a reusable Pipeline its runs name (`tekflow submit --pipeline-ref`);
    # None: a Pipeline when it is scheduled, else a PipelineRun
    kind: Optional[str] = None
    # metadata.name of the Pipeline (kind pipeline); None: the pipeline's name as a DNS label
    name: Optional[str] = None
    # a cron schedule: a CronJob (and its RBAC) starting runs of the Pipeline (e.g. "0 2 * * *")
    schedule: Optional[str] = None
    # the schedule's time zone (tz database name); None: the cluster's controller-manager's
    time_zone: Optional[str] = None
    # Tekton Triggers objects starting a run of the Pipeline on a git push (--emit triggers)
    triggers: bool = False
    # pipeline parameter -> push event field (revision, ref, repository) or a Triggers expression ($(body.…))
    bindings: dict[str, str] = field(default_factory=dict)
    # a Secret (key `token`) holding the webhook's secret, which GitHub's interceptor checks
    webhook_secret: Optional[str] = None

    def __post_init__(self) -> None:
        """Check values that would otherwise make an object the API server rejects."""
        if self.run_name is not None and not is_dns_subdomain(self.run_name):
            raise TekflowError(f"--run-name {self.run_name!r} is not a valid Kubernetes name "
                               "(lowercase letters, digits, '-' and '.', starting and ending alphanumeric)")
        if self.namespace is not None and not is_dns_label(self.namespace):
            raise TekflowError(f"--namespace {self.namespace!r} is not a valid namespace "
                               "(at most 63 lowercase letters, digits and '-', starting and ending alphanumeric)")
        if not is_quantity(self.pvc_size or ""):
            raise TekflowError(f"--pvc-size {self.pvc_size!r} is not a Kubernetes quantity (e.g. 10Gi, 500Mi)")
        if self.storage_class is not None and not is_dns_subdomain(self.storage_class):
            raise TekflowError(f"--storage-class {self.storage_class!r} is not a valid StorageClass name "
                               "(lowercase letters, digits, '-' and '.', starting and ending alphanumeric)")
        if self.experiment is not None and (not isinstance(self.experiment, str) or not self.experiment.strip()):
            raise TekflowError(f"--experiment {self.experiment!r} is not an experiment name (a non-empty string)")
        if self.tracking_secret is not None and not is_dns_subdomain(self.tracking_secret):
            raise TekflowError(f"--tracking-secret {self.tracking_secret!r} is not a valid Secret name")
        if self.tracking_uri is not None:
            from urllib.parse import urlparse

            parsed = urlparse(self.tracking_uri)
            if parsed.username or parsed.password:
                raise TekflowError("--tracking-uri must not hold credentials; put them in a Secret (--tracking-secret)")
            from tekflow.tracking.client import DATABASE_SCHEMES

            # the launcher steps record the run: a server, or a database they can open (local runs)
            if parsed.scheme.split("+")[0] not in ("http", "https", *DATABASE_SCHEMES):
                raise TekflowError(f"--tracking-uri {self.tracking_uri!r} is not an MLflow server URI "
                                   "(http://host:port or https://…) nor a database URI (sqlite:///PATH, …)")
        if self.timeout is not None:
            check_run_timeout(str(self.timeout))
        if self.service_account is not None and not is_dns_subdomain(self.service_account):
            raise TekflowError(f"--service-account {self.service_account!r} is not a valid ServiceAccount name")
        self._check_kind()
        if self.gang_scheduler is not None and self.gang_scheduler not in GANG_SCHEDULERS:
            raise TekflowError(f"--gang-scheduler {self.gang_scheduler!r} is not one of {', '.join(GANG_SCHEDULERS)}")
        if not (self.launcher_image or "").strip() or any(c.isspace() for c in self.launcher_image):
            raise TekflowError(f"--launcher-image {self.launcher_image!r} is not an image reference")

    @property
    def document_kind(self) -> str:
        """What is written: --kind, else a Pipeline when it is scheduled, else a PipelineRun."""
        return self.kind or ("pipeline" if self.schedule is not None or self.triggers else "pipelinerun")

    def _check_kind(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise TekflowError(f"--kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if (self.bindings or self.webhook_secret is not None) and not self.triggers:
            raise TekflowError("--bind and --webhook-secret are for the push trigger: add --emit triggers")
        if self.document_kind == "pipelinerun":
            if self.name is not None:
                raise TekflowError("--name names the Pipeline of --kind pipeline; a PipelineRun's name is --run-name")
            if self.schedule is not None:
                raise TekflowError("--schedule starts runs of a reusable Pipeline: leave --kind out or give "
                                   "--kind pipeline")
            if self.time_zone is not None:
                raise TekflowError("--time-zone is the time zone of --schedule")
            if self.triggers:
                raise TekflowError("--emit triggers starts runs of a reusable Pipeline: leave --kind out or give "
                                   "--kind pipeline")
            return
        if self.time_zone is not None and self.schedule is None:
            raise TekflowError("--time-zone is the time zone of --schedule")
        if self.name is not None and not is_dns_subdomain(self.name):
            raise TekflowError(f"--name {self.name!r} is not a valid Kubernetes name "
                               "(lowercase letters, digits, '-' and '.', starting and ending alphanumeric)")
        for option, value, run_option in (("--run-name", self.run_name, "--run-name"),
                                          ("--timeout", self.timeout, "--run-timeout"),
                                          ("--service-account", self.service_account, "--service-account")):
            if value is not None:
                raise TekflowError(f"{option} belongs to a run, not to a reusable Pipeline: give it when starting "
                                   f"one (tekflow submit --pipeline-ref NAME {run_option} …)")
