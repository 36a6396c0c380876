"""Labels and annotations that say where a submitted run came from.

Only non-secret facts: the pipeline's name, the git commit of the source (never a remote URL,
which may carry a token; the CI system's commit variable when the source is in no repository
tekflow can read, or with --pipeline-ref), and the CI system's run id and run URL built from
public variables.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Mapping, Optional

PIPELINE = "tekflow.dev/pipeline"
GIT_COMMIT = "tekflow.dev/git-commit"
GIT_DIRTY = "tekflow.dev/git-dirty"  # annotation: "true" when the source differs from the commit
CI_SYSTEM = "tekflow.dev/ci-system"
CI_RUN_ID = "tekflow.dev/ci-run-id"
CI_RUN_URL = "tekflow.dev/ci-run-url"  # annotation
SUBMITTED_BY = "app.kubernetes.io/managed-by"
FACTS = frozenset({GIT_COMMIT, GIT_DIRTY, CI_SYSTEM, CI_RUN_ID, CI_RUN_URL})  # of one submission

_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def label_value(text: str) -> str:
    """`text` made a valid label value: [A-Za-z0-9._-], at most 63, alphanumeric at both ends."""
    value = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-_.")
    return value[:63].strip("-_.")


def is_label_value(text: str) -> bool:
    return len(text) <= 63 and bool(_LABEL_VALUE.match(text))


def git_commit(path: Path) -> Optional[tuple[str, bool]]:
    """(HEAD commit, whether `path` has uncommitted changes) of the repository holding `path`."""
    directory = path if path.is_dir() else path.parent
    try:
        head = subprocess.run(["git", "-C", str(directory), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
        if head.returncode != 0:
            return None
        status = subprocess.run(["git", "-C", str(directory), "status", "--porcelain", "--", str(path.resolve())],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = head.stdout.strip()
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
        return None
    return commit, bool(status.stdout.strip())


def ci_run(env: Optional[Mapping[str, str]] = None) -> Optional[tuple[str, str, Optional[str]]]:
    """(CI system, run id, run URL) of the CI job this runs in, or None outside CI: the allow-listed
    fields of tekflow.tracking.ci (the same ones a tracked run is tagged with)."""
    from tekflow.tracking.ci import ci_tags

    tags = ci_tags(os.environ if env is None else env)
    if not tags.get("ci.system") or not tags.get("ci.run_id"):
        return None
    url = tags.get("ci.run_url")
    if url and (not url.startswith(("https://", "http://")) or "@" in url.split("/")[2]):
        url = None  # not a web page, or one with user info
    return tags["ci.system"], tags["ci.run_id"], url


def provenance(source: Optional[Path], pipeline: Optional[str],
               env: Optional[Mapping[str, str]] = None) -> tuple[dict[str, str], dict[str, str]]:
    """(labels, annotations) for a run submitted from `source`."""
    labels: dict[str, str] = {SUBMITTED_BY: "tekflow"}
    annotations: dict[str, str] = {}
    if pipeline and label_value(pipeline):
        labels[PIPELINE] = label_value(pipeline)
    if source is not None:
        found = git_commit(source)
        if found:
            commit, dirty = found
            annotations[GIT_COMMIT] = commit
            if is_label_value(commit):  # a SHA-1; a SHA-256 commit (64) is too long for a label
                labels[GIT_COMMIT] = commit
            if dirty:
                annotations[GIT_DIRTY] = "true"
    if GIT_COMMIT not in annotations:  # no repository at hand (a --pipeline-ref run, a shallow container)
        from tekflow.tracking.ci import ci_tags

        commit = ci_tags(os.environ if env is None else env).get("ci.commit", "")
        if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
            annotations[GIT_COMMIT] = commit
            if is_label_value(commit):
                labels[GIT_COMMIT] = commit
    ci = ci_run(env)
    if ci:
        system, run_id, url = ci
        labels[CI_SYSTEM] = system
        if label_value(run_id):
            labels[CI_RUN_ID] = label_value(run_id)
        if url:
            annotations[CI_RUN_URL] = url
    return labels, annotations
