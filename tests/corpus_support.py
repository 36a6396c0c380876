"""Load corpus modules (tests/corpus/*.py, samples/*.py) and check a local run against them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"corpus_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source_of(path: Path, module: ModuleType) -> str:
    """What to compile: the module's SOURCE (e.g. an IR file it wrote) or the .py file."""
    return str(getattr(module, "SOURCE", path))


def manifest(result, task: str) -> dict[str, Any]:
    path = result.run_dir / "workspaces" / "tekflow-artifacts" / result.name / task / "_tekflow_outputs.json"
    return json.loads(path.read_text())


def check_run(module: ModuleType, result) -> None:
    """Status, pipeline outputs and task states as the module expects them."""
    expected_status = getattr(module, "EXPECTED_STATUS", "Succeeded")
    logs = {n: result.log(n)[-3000:] for n, t in result.tasks.items() if t.status == "Failed"}
    assert result.status == expected_status, (result.summary(), logs)
    if expected_status == "Succeeded" or getattr(module, "EXPECTED", None):
        assert result.outputs == module.EXPECTED
    for task, expected in getattr(module, "EXPECTED_TASKS", {}).items():
        record = result.tasks[task]
        assert record.status == expected["status"], (task, record)
        for name, value in expected.get("outputs", {}).items():
            assert manifest(result, task)["parameters"][name] == value
