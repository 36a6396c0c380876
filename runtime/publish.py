"""The publish step: record what main produced in the store and in Tekton results.

It runs whatever main did (main has `onError: continue`): it writes each iteration's manifest
(partial outputs and the error on failure, `skipped` for a false condition), uploads artifacts
to a remote store, writes the results, then exits with main's exit code.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Optional

from . import values
from .digests import artifact_digest
from .launch import Launch, iteration_dirs, read_state


# Artifact types whose content is their metadata: no file needs to exist.
METADATA_ONLY = {"system.Metrics", "system.ClassificationMetrics", "system.SlicedClassificationMetrics"}


class PublishError(RuntimeError):
    pass


def publish(launch: Launch, io_dir: str, exit_code: int, results: dict[str, str], run_uid: str = "",
            retry_count: int = 0, artifact_results: Optional[dict[str, str]] = None) -> int:
    """Publish every iteration; returns the step's exit code. `artifact_results`: output artifact
    -> the path of its Tekton Chains type-hinted result (`<name>-ARTIFACT_OUTPUTS`)."""
    problems: list[str] = []
    published: Optional[dict[str, Any]] = None
    results = dict(results)
    skipped_result = results.pop(values.SKIPPED_RESULT, None)
    skipped_conditions: list[str] = []
    dirs = iteration_dirs(io_dir)
    for io in dirs:
        code = exit_code if io == io_dir else _iteration_exit_code(io, exit_code)
        state = read_state(io)
        manifest, missing = _publish_one(launch, io, state, code)
        problems += missing
        published = manifest
        skipped_conditions.append(manifest.get("condition", "") if manifest.get("skipped") else "")
        if os.environ.get("TEKFLOW_TRACKING_URI") and not (state or {}).get("kept"):
            from .tracking_steps import record_task

            record_task(launch, state, manifest, "Succeeded" if code == 0 and not missing else "Failed",
                        run_uid, retry_count)
    if io_dir in dirs and (results or artifact_results):
        _write_results(launch, published or {}, results, artifact_results or {})
    if skipped_result:
        _write_skipped(skipped_result, skipped_conditions)
    if exit_code != 0:
        return exit_code
    if problems:
        raise PublishError("; ".join(problems))
    return 0


def _write_skipped(path: str, conditions: list[str]) -> None:
    """The false condition when every iteration was skipped by it (values.SKIPPED_RESULT), else empty."""
    skipped = bool(conditions) and all(conditions)
    text = conditions[0][:values.SKIPPED_RESULT_CHARS] if skipped else ""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def _iteration_exit_code(io: str, batch_code: int) -> int:
    try:
        with open(os.path.join(io, "exit-code")) as f:
            return int(f.read().strip())
    except (FileNotFoundError, ValueError):
        return 0 if os.path.exists(os.path.join(io, "skip-main")) else (batch_code or 1)


def _publish_one(launch: Launch, io: str, state: Optional[dict[str, Any]], exit_code: int
                 ) -> tuple[dict[str, Any], list[str]]:
    coord = (state or {}).get("coord", [])
    coord_name = ".".join(map(str, coord))
    if state is None:  # prepare failed before it wrote anything
        manifest = {"parameters": {}, "artifacts": {}, "error": "the prepare step failed"}
        launch.write_manifest(manifest, coord_name)
        return manifest, []
    if state.get("kept"):  # published by an earlier attempt of this TaskRun: already recorded
        return launch.read_manifest(launch.task, coord_name) or {}, []
    if state.get("skipped"):
        manifest = {"skipped": True, "condition": state["skipped"], "coord": coord, "parameters": {}, "artifacts": {}}
        launch.write_manifest(manifest, coord_name)
        return manifest, []

    component = launch.spec["component"]
    executor_output = _read_json(os.path.join(io, "executor_output.json")) or {}
    missing: list[str] = []
    parameters: dict[str, Any] = {}
    for name, definition in component.get("outputDefinitions", {}).get("parameters", {}).items():
        kfp_type = definition.get("parameterType", "STRING")
        try:
            value = _output_parameter(io, name, kfp_type, executor_output)
        except values.ValueError_ as e:
            missing.append(f"output {name!r}: {e}")
            continue
        if value is None:
            missing.append(f"the component did not write its output {name!r}")
        else:
            parameters[name] = value

    artifacts: dict[str, list[dict[str, Any]]] = {}
    produced = executor_output.get("artifacts", {})
    for name, info in state.get("artifacts", {}).items():
        records = produced.get(name, {}).get("artifacts", [])
        metadata = records[0].get("metadata", {}) if records else {}
        local = info["local"]
        if not os.path.exists(local):
            if info["type"].get("schemaTitle") in METADATA_ONLY:
                pass  # log_metric() and friends only fill in metadata
            elif exit_code == 0:
                missing.append(f"the component did not write its output artifact {name!r}")
                continue
            else:
                continue
        entry = {"name": name, "uri": info["uri"], "metadata": metadata, "type": info["type"]}
        if os.path.exists(local):
            entry["digest"] = artifact_digest(local)  # of what is uploaded: provenance names it
            if not launch.store.is_local:
                launch.store.upload(local, info["uri"])
        artifacts[name] = [entry]

    manifest: dict[str, Any] = {"parameters": parameters, "artifacts": artifacts, "coord": coord}
    if exit_code != 0:
        manifest["error"] = f"the main step exited with code {exit_code}"
    elif missing:
        manifest["error"] = "; ".join(missing)
    launch.write_manifest(manifest, coord_name)
    return manifest, missing if exit_code == 0 else []


def _output_parameter(io: str, name: str, kfp_type: str, executor_output: dict[str, Any]) -> Any:
    """A Python component's return value (executor output) or a file the command wrote."""
    if name in executor_output.get("parameterValues", {}):
        return values.coerce(executor_output["parameterValues"][name], kfp_type)
    path = os.path.join(io, "outputs", "parameters", name)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    return values.decode(text, kfp_type)


def _write_results(launch: Launch, manifest: dict[str, Any], results: dict[str, str],
                   artifact_results: dict[str, str]) -> None:
    definitions = launch.spec["component"].get("outputDefinitions", {}).get("parameters", {})
    encoded = {}
    for name in results:
        value = manifest.get("parameters", {}).get(name)
        kfp_type = definitions.get(name, {}).get("parameterType", "STRING")
        encoded[name] = "" if value is None else values.encode(value, kfp_type)
    written = values.spill(encoded)
    for name, text in written.items():
        with open(results[name], "w", encoding="utf-8", newline="") as f:
            f.write(text)
    # Chains' type hints, in what the parameters left of the results' budget: an artifact without
    # one is still in the run's own provenance (tekflow.runtime.provenance)
    room = values.RESULTS_BUDGET - sum(len(t.encode()) for t in written.values())
    for name in sorted(artifact_results):
        entry = (manifest.get("artifacts", {}).get(name) or [{}])[0]
        if not entry.get("digest"):
            continue  # not produced (a failure, a skip) or metadata only
        text = json.dumps({"uri": entry["uri"], "digest": entry["digest"], "isBuildArtifact": "true"},
                          separators=(",", ":"))
        if len(text.encode()) > room:
            print(f"tekflow launcher: output artifact {name!r}: no Tekton Chains type hint, the task's results "
                  "are full", file=sys.stderr)
            continue
        room -= len(text.encode())
        with open(artifact_results[name], "w", encoding="utf-8", newline="") as f:
            f.write(text)


def _read_json(path: str) -> Optional[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None
