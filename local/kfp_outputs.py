"""Pipeline outputs of a tekflow-compiled run, typed as the KFP pipeline declares them.

Tekton results are text (and a large one holds the spill sentinel); the compiler records in
annotations which task and output each pipeline output comes from, its type and the pipeline
root, so the exact value is read from the producer's outputs manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tekflow.compiler import tekton
from tekflow.runtime import stores, values


def mark_condition_skips(result) -> None:
    """Tasks whose own launcher found their condition false ran no main step: report them Skipped.

    (Tekton shows such a TaskRun as succeeded; its `tekflow-skipped` result names the condition.)
    """
    for record in result.tasks.values():
        condition = values.skipped_by_condition([child.results for child in record.children])
        if record.status == "Succeeded" and condition:
            record.status, record.reason = "Skipped", "ConditionFalse"
            record.message = f"condition {condition!r} is false"


def typed_outputs(run: tekton.PipelineRun, run_name: str, run_dir: Path, raw: dict[str, Any]) -> dict[str, Any]:
    annotations = run.metadata.annotations or {}
    declared = annotations.get("tekflow.dev/parameter-outputs")
    if not declared:
        return raw
    root = annotations.get("tekflow.dev/pipeline-root", "")
    root = root.replace("$(workspaces.tekflow-artifacts.path)", str(run_dir / "workspaces" / "tekflow-artifacts"))
    store = stores.store_for(root) if root else None
    out: dict[str, Any] = {}
    for name, where in json.loads(declared).items():
        manifest = store.read_json(stores.manifest_uri(root, run_name, where["task"])) if store else None
        if manifest and manifest.get("skipped"):
            continue  # its task's condition was false: the output has no value
        if manifest and where["output"] in manifest.get("parameters", {}):
            out[name] = manifest["parameters"][where["output"]]
        elif name in raw and raw[name] != values.SPILLED:
            try:
                out[name] = values.decode(raw[name], where["type"])
            except values.ValueError_:
                continue  # its task failed before writing it: no value, and the run says why
    return out
