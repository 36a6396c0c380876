"""PipelineRun and TaskRun objects shaped as Tekton v1 writes them, for the pure cluster tests."""

from __future__ import annotations

from typing import Any, Optional


def condition(status: str, reason: str, message: str = "") -> dict[str, Any]:
    return {"type": "Succeeded", "status": status, "reason": reason, "message": message,
            "lastTransitionTime": "2026-12-02T10:00:09Z"}


def pipelinerun(name: str = "demo-x1", cond: Optional[dict] = None, tasks=("make", "train"), finally_=("cleanup",),
                skipped=(), results=(), annotations=None, spec_status=None) -> dict[str, Any]:
    status: dict[str, Any] = {
        "startTime": "2026-12-02T10:00:00Z",
        "pipelineSpec": {"tasks": [{"name": t} for t in tasks], "finally": [{"name": t} for t in finally_]},
    }
    if cond is not None:
        status["conditions"] = [cond]
        if cond["status"] != "Unknown":
            status["completionTime"] = "2026-12-02T10:00:09Z"
    if skipped:
        status["skippedTasks"] = [{"name": n, "reason": r} for n, r in skipped]
    if results:
        status["results"] = [{"name": n, "value": v} for n, v in results]
    spec: dict[str, Any] = {"pipelineSpec": status["pipelineSpec"]}
    if spec_status:
        spec["status"] = spec_status
    return {"apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
            "metadata": {"name": name, "namespace": "ci", "uid": "u-1", "creationTimestamp": "2026-12-02T09:59:59Z",
                         "labels": {"tekflow.dev/pipeline": "demo"}, "annotations": annotations or {}},
            "spec": spec, "status": status}


def step(name: str, exit_code: Optional[int] = None, running: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "container": f"step-{name}"}
    if exit_code is not None:
        out["terminated"] = {"exitCode": exit_code, "reason": "Completed" if exit_code == 0 else "Error",
                             "startedAt": "2026-12-02T10:00:01Z", "finishedAt": "2026-12-02T10:00:03Z"}
    elif running:
        out["running"] = {"startedAt": "2026-12-02T10:00:01Z"}
    else:
        out["waiting"] = {"reason": "PodInitializing"}
    return out


def taskrun(run: str, task: str, cond: Optional[dict], steps=(), suffix: str = "", is_finally=False,
            start="2026-12-02T10:00:01Z", end="2026-12-02T10:00:04Z", retries=0) -> dict[str, Any]:
    status: dict[str, Any] = {"podName": f"{run}-{task}{suffix}-pod", "steps": list(steps)}
    if cond is not None:
        status["conditions"] = [cond]
        status["startTime"] = start
        if cond["status"] != "Unknown":
            status["completionTime"] = end
    if retries:
        status["retriesStatus"] = [{"conditions": [condition("False", "Failed")]}] * retries
    return {"apiVersion": "tekton.dev/v1", "kind": "TaskRun",
            "metadata": {"name": f"{run}-{task}{suffix}", "namespace": "ci",
                         "labels": {"tekton.dev/pipelineRun": run, "tekton.dev/pipelineTask": task,
                                    "tekton.dev/memberOf": "finally" if is_finally else "tasks"}},
            "status": status}
