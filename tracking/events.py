"""What hooks are told: a pipeline run starting and finishing, each task (or loop iteration)
finishing with its inputs, outputs, status and timings. Plain data, JSON round-trip (the
spool stores events as JSON lines)."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Optional

# The reason of a run whose `tekflow run` process died (kill -9, out of memory, power loss);
# found by the next run in its directory or by `tekflow tracking sync` (tekflow.local.ownership).
PROCESS_KILLED = "ProcessKilled"


@dataclass
class ArtifactRef:
    name: str
    uri: str
    type: str = "system.Artifact"  # KFP schema title
    metadata: dict[str, Any] = field(default_factory=dict)
    producer: Optional[str] = None  # the task that wrote it (None: imported)


@dataclass
class RunInfo:
    pipeline: str
    run_name: str
    run_uid: str
    params: dict[str, Any] = field(default_factory=dict)
    status: str = "Running"  # Running | Succeeded | Failed | Cancelled
    reason: str = ""  # why it ended, when it says more than the status (PROCESS_KILLED)
    started: Optional[float] = None
    finished: Optional[float] = None
    experiment: Optional[str] = None  # default: the pipeline's name
    tags: dict[str, str] = field(default_factory=dict)  # git, CI, user tags
    documents: dict[str, str] = field(default_factory=dict)  # artifact file name -> text (IR, PipelineRun)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunInfo":
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


@dataclass
class TaskEvent:
    run_uid: str
    task: str  # Tekton pipeline task name
    kfp_task: str = ""
    iteration: str = ""  # loop iteration coordinate, "" outside loops
    status: str = "Succeeded"  # Succeeded | Failed | Skipped | Cancelled
    started: Optional[float] = None
    finished: Optional[float] = None
    params: dict[str, Any] = field(default_factory=dict)  # input parameter values
    inputs: list[ArtifactRef] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)  # output parameter values
    artifacts: list[ArtifactRef] = field(default_factory=list)  # output artifacts
    image: str = ""
    resources: dict[str, Any] = field(default_factory=dict)
    cache_hit: bool = False
    retry_count: int = 0
    error: str = ""

    @property
    def duration_s(self) -> Optional[float]:
        if self.started is None or self.finished is None:
            return None
        return self.finished - self.started

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TaskEvent":
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        values["inputs"] = [ArtifactRef(**a) for a in values.get("inputs", [])]
        values["artifacts"] = [ArtifactRef(**a) for a in values.get("artifacts", [])]
        return cls(**values)


def git_tags(directory: str) -> dict[str, str]:
    """The commit and branch of the repository holding `directory`, when there is one."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=directory, capture_output=True, text=True, timeout=5).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        if not commit:
            return {}
        tags = {"mlflow.source.git.commit": commit}
        branch = git("rev-parse", "--abbrev-ref", "HEAD")
        if branch and branch != "HEAD":
            tags["mlflow.source.git.branch"] = branch
        dirty = git("status", "--porcelain")
        tags["tekflow.git.dirty"] = "true" if dirty else "false"
        return tags
    except (OSError, subprocess.SubprocessError):
        return {}


DOCUMENTS_ENCODING = "zlib+base64"


def pack_documents(documents: dict[str, str]) -> dict[str, str]:
    """Documents (file name -> text) as one compressed string that a launch spec can carry."""
    text = json.dumps(documents, sort_keys=True, separators=(",", ":"))
    return {"encoding": DOCUMENTS_ENCODING, "data": base64.b64encode(zlib.compress(text.encode(), 9)).decode()}


def unpack_documents(packed: Optional[dict[str, str]]) -> dict[str, str]:
    if not packed:
        return {}
    if packed.get("encoding") != DOCUMENTS_ENCODING:
        raise ValueError(f"documents encoded as {packed.get('encoding')!r}, not {DOCUMENTS_ENCODING!r}")
    return json.loads(zlib.decompress(base64.b64decode(packed["data"])).decode())
