"""TaskEvents from what a tekflow task leaves behind: its launch spec, the state prepare
wrote for each iteration (resolved inputs) and the outputs manifest publish wrote. Used for
local runs and by the launcher in a cluster alike."""

from __future__ import annotations

from typing import Any, Optional

from tekflow.runtime.entries import ABSENT, EntryError, Resolver

from .events import ArtifactRef, TaskEvent


def _artifact(name: str, record: dict[str, Any], producer: Optional[str]) -> ArtifactRef:
    kind = (record.get("type") or {}).get("schemaTitle", "system.Artifact")
    return ArtifactRef(name=name, uri=record.get("uri", ""), type=kind, metadata=record.get("metadata") or {},
                       producer=producer)


def input_artifacts(spec: dict[str, Any], resolver: Resolver) -> list[ArtifactRef]:
    """Input artifacts with their store URIs and producers (not the local paths a step saw)."""
    refs = []
    for name, entry in sorted(spec.get("inputs", {}).get("artifacts", {}).items()):
        try:
            found = resolver.artifact(entry)
        except EntryError:
            continue
        if found is ABSENT:
            continue
        producers = _producers(entry)
        records = found if isinstance(found, list) else [found]
        flat = []
        while records:
            item = records.pop(0)
            if isinstance(item, list):
                records = item + records
            else:
                flat.append(item)
        for record in flat:
            producer = _producer_of(record.get("uri", ""), producers)
            refs.append(_artifact(name, record, producer))
    return refs


def _producers(entry: dict[str, Any]) -> list[str]:
    if "one_of" in entry:
        return [p for option in entry["one_of"] for p in _producers(option)]
    if "collect" in entry:
        return [entry["collect"]["producer"]]
    return [entry["producer"]] if "producer" in entry else []


def _producer_of(uri: str, producers: list[str]) -> Optional[str]:
    for producer in producers:
        if f"/{producer}/" in uri:
            return producer
    return producers[0] if len(producers) == 1 else None


def task_event(spec: dict[str, Any], run_uid: str, state: Optional[dict[str, Any]],
               manifest: Optional[dict[str, Any]], resolver: Resolver, status: str,
               started: Optional[float], finished: Optional[float], retry_count: int = 0) -> TaskEvent:
    """One task (or one iteration) as hooks see it."""
    state = state or {}
    manifest = manifest or {}
    coord = state.get("coord") or manifest.get("coord") or []
    if state.get("skipped") or manifest.get("skipped"):
        status = "Skipped"
    elif coord and manifest:
        # publish wrote how this loop iteration ended; the task's status covers all its
        # iterations (one failed iteration fails the task, not its siblings)
        status = "Failed" if manifest.get("error") else "Succeeded"
    elif manifest.get("error") and status == "Succeeded":
        status = "Failed"
    container = spec.get("container", {})
    artifacts = [_artifact(name, record, spec["task"]) for name, records in sorted(manifest.get("artifacts", {}).items())
                 for record in records]
    resources = container.get("resources") or {}
    return TaskEvent(
        run_uid=run_uid, task=spec["task"], kfp_task=spec.get("kfp_task", ""),
        iteration=".".join(str(i) for i in coord), status=status, started=started, finished=finished,
        params=dict((state.get("inputs") or {}).get("parameters", {})),
        inputs=input_artifacts(spec, resolver) if status != "Skipped" else [],
        outputs=dict(manifest.get("parameters", {})), artifacts=artifacts,
        image=container.get("image", ""), resources=resources, cache_hit=False, retry_count=retry_count,
        error=manifest.get("error", ""))
