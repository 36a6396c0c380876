"""Judge Tekton YAML with Tekton's own Go code (``hack/tektonvalidate``).

A helper module for tests, not a test file. It builds the Go program once into a cache
directory (``$TEKFLOW_CACHE_DIR`` or ``~/.cache/tekflow``), keyed by a hash of the
program's sources and of ``go version``, and runs it with ``-json``::

    from tekton_validation import assert_valid, validate_yaml

    assert_valid(compiled_yaml_text)                    # AssertionError with Tekton's messages
    report = validate_yaml(text, api_fields="alpha")
    assert not report.ok and "cycle detected" in report.errors_text

What is checked is what the API server and Tekton's admission webhook check on create:
strict decoding (unknown fields), ``SetDefaults`` then ``Validate`` with Tekton's default
configuration. Not what the controller checks later at run time (see docs of the harness in
``hack/tektonvalidate/main.go``). The same goes for Tekton Triggers' kinds
(``triggers.tekton.dev/v1beta1``: TriggerTemplate, TriggerBinding, EventListener, Trigger,
ClusterTriggerBinding), judged by Triggers' own code, and, by a stand-in for the API
server's checks, for the Kubernetes kinds a nightly schedule needs (``batch/v1`` CronJob,
``v1`` ServiceAccount, ConfigMap, Secret, ``rbac.authorization.k8s.io/v1`` Role,
RoleBinding, ClusterRole, ClusterRoleBinding) and gang scheduling's PodGroups.

``hack/validate`` uses the same cache key and lock, so the two share one binary.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

__all__ = [
    "HARNESS_DIR",
    "DocumentResult",
    "ValidationReport",
    "assert_valid",
    "cache_dir",
    "harness_binary",
    "validate_files",
    "validate_yaml",
]

HARNESS_DIR = Path(__file__).resolve().parent.parent / "hack" / "tektonvalidate"
_API_FIELDS = ("alpha", "beta", "stable")

PathLike = Union[str, "os.PathLike[str]"]


def cache_dir() -> Path:
    """Where built harness binaries live: ``$TEKFLOW_CACHE_DIR/tektonvalidate``."""
    base = os.environ.get("TEKFLOW_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "tekflow"
    )
    return Path(base) / "tektonvalidate"


def _go() -> str:
    go = shutil.which("go")
    if go is None:
        raise RuntimeError(
            "the Tekton validation harness needs the Go toolchain: `go` is not on PATH "
            "(install Go >= 1.26.4, which github.com/tektoncd/pipeline v1.15.0 requires)"
        )
    return go


def _sources() -> list[str]:
    """The files the cache key covers, sorted by name: the program's Go files (its tests
    left out, they are not in the binary), go.mod and go.sum. hack/validate hashes the
    same files in the same order."""
    names = [
        p.name for p in HARNESS_DIR.iterdir()
        if p.is_file() and p.name.endswith(".go") and not p.name.endswith("_test.go")
        and not p.name.startswith(".")  # as the shell's *.go
    ]
    return sorted(names + ["go.mod", "go.sum"])


def _cache_key(go: str) -> str:
    """sha256 over `go version` (run in the harness dir) and each source's name and bytes."""
    version = subprocess.run(
        [go, "version"], cwd=HARNESS_DIR, check=True, capture_output=True
    ).stdout
    digest = hashlib.sha256(version)
    for name in _sources():
        digest.update(name.encode() + b"\n")
        digest.update((HARNESS_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


_built: dict[str, Path] = {}


def harness_binary() -> Path:
    """Path of the built harness, building it first if the sources or Go changed.

    Safe to call from several processes at once: builds are serialized by a lock file and
    the binary appears atomically. The first build downloads Tekton's dependencies through
    the Go module proxy and compiles them (about a minute or two); later calls only hash.
    """
    go = _go()
    key = _cache_key(go)
    if key in _built and _built[key].is_file():
        return _built[key]
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    binary = directory / f"tektonvalidate-{key}"
    if not binary.is_file():
        with open(directory / "build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not binary.is_file():  # another process may have built it meanwhile
                _build(go, binary)
    _built[key] = binary
    return binary


def _build(go: str, binary: Path) -> None:
    tmp = binary.with_name(f".{binary.name}.{os.getpid()}.tmp")
    cmd = [
        go, "build", "-mod=readonly", "-trimpath", "-buildvcs=false",
        "-ldflags=-s -w", "-o", str(tmp), ".",
    ]
    try:
        proc = subprocess.run(cmd, cwd=HARNESS_DIR, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(
                f"building the Tekton validation harness failed ({' '.join(cmd)} in "
                f"{HARNESS_DIR}):\n{proc.stderr.strip()}"
            )
        os.replace(tmp, binary)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class DocumentResult:
    """Tekton's verdict on one YAML document."""

    file: str
    index: int  # position among the file's non-empty documents, from 0
    kind: str
    name: str  # metadata.name, else metadata.generateName
    ok: bool
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.file}#{self.index} {self.kind} {self.name}"


@dataclass
class ValidationReport:
    """The harness's verdict on a set of files."""

    documents: list[DocumentResult]
    returncode: int
    stderr: str = ""
    command: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there was at least one document and Tekton accepted every one."""
        return self.returncode == 0 and bool(self.documents) and all(d.ok for d in self.documents)

    @property
    def errors(self) -> list[str]:
        """Every error message of every document, flat."""
        return [e for d in self.documents for e in d.errors]

    @property
    def errors_text(self) -> str:
        """A readable account of the failures, for assertion messages ("" when ok)."""
        if self.ok:
            return ""
        lines = []
        for d in self.documents:
            if not d.ok:
                lines.append(f"FAIL {d.where}:")
                lines.extend("    " + line for e in d.errors for line in e.splitlines())
        if not lines:  # e.g. no document at all
            lines.append(self.stderr.strip() or f"tektonvalidate exited {self.returncode}")
        return "\n".join(lines)

    def __str__(self) -> str:
        if self.ok:
            return "\n".join(f"OK {d.where}" for d in self.documents)
        return self.errors_text


def validate_files(
    paths: Union[PathLike, Iterable[PathLike]],
    api_fields: str = "beta",
    *,
    feature_flags: Optional[Mapping[str, str]] = None,
) -> ValidationReport:
    """Run the harness on files (each may hold several ``---`` documents).

    ``api_fields`` is Tekton's ``enable-api-fields`` (``alpha``, ``beta``, ``stable``);
    ``feature_flags`` sets other entries of Tekton's feature-flags ConfigMap, e.g.
    ``{"enable-cel-in-whenexpression": "true"}``. Raises RuntimeError on a usage or read
    error (a missing file), never for an invalid document.
    """
    if api_fields not in _API_FIELDS:
        raise ValueError(f"api_fields must be one of {_API_FIELDS}, not {api_fields!r}")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = [os.fspath(p) for p in paths]
    if not files:
        raise ValueError("validate_files needs at least one path")
    cmd = [str(harness_binary()), "-json", "-api-fields", api_fields]
    for key, value in (feature_flags or {}).items():
        cmd += ["-feature-flag", f"{key}={value}"]
    cmd += ["--", *files]
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode not in (0, 1):
        raise RuntimeError(
            f"tektonvalidate failed (exit {proc.returncode}): {proc.stderr.strip()}"
        )
    try:
        raw = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(
            f"tektonvalidate printed no JSON ({exc}):\n{proc.stdout}\n{proc.stderr}"
        ) from None
    documents = [
        DocumentResult(
            file=r["file"], index=r["index"], kind=r["kind"], name=r["name"], ok=r["ok"],
            errors=tuple(r.get("errors") or ()), warnings=tuple(r.get("warnings") or ()),
        )
        for r in raw
    ]
    return ValidationReport(documents, proc.returncode, proc.stderr, cmd)


def validate_yaml(
    text: str,
    api_fields: str = "beta",
    *,
    feature_flags: Optional[Mapping[str, str]] = None,
) -> ValidationReport:
    """``validate_files`` on YAML text (one or several documents), via a temporary file."""
    with tempfile.TemporaryDirectory(prefix="tekflow-validate-") as tmp:
        path = Path(tmp) / "document.yaml"
        path.write_text(text, encoding="utf-8")
        return validate_files([path], api_fields, feature_flags=feature_flags)


def assert_valid(
    text_or_path: Union[str, "os.PathLike[str]", Mapping[str, Any]],
    api_fields: str = "beta",
    *,
    feature_flags: Optional[Mapping[str, str]] = None,
) -> ValidationReport:
    """Raise AssertionError with Tekton's messages unless Tekton accepts every document.

    Accepts a path (``pathlib.Path``, or a one-line ``str`` naming an existing file), YAML
    text, or a plain-data mapping (e.g. ``serde.to_data(pipeline_run)``), dumped as YAML.
    Returns the report when valid.
    """
    if isinstance(text_or_path, Mapping):
        import yaml

        report = validate_yaml(
            yaml.safe_dump(dict(text_or_path), sort_keys=False), api_fields,
            feature_flags=feature_flags,
        )
    elif isinstance(text_or_path, os.PathLike) or (
        isinstance(text_or_path, str) and "\n" not in text_or_path and os.path.isfile(text_or_path)
    ):
        report = validate_files([text_or_path], api_fields, feature_flags=feature_flags)
    else:
        report = validate_yaml(text_or_path, api_fields, feature_flags=feature_flags)
    if not report.ok:
        raise AssertionError(f"Tekton rejects the document(s):\n{report.errors_text}")
    return report
