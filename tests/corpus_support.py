"""Load corpus modules (tests/corpus/*.py, samples/*.py) and check a local run against them.

A module defines ARGUMENTS and EXPECTED (pipeline outputs), optionally EXPECTED_STATUS,
EXPECTED_TASKS ({task display name or name: {"status", "outputs"}}), TASKRUNS ({task: count})
and FRESH_DIRECTORY_PARAM (a parameter that gets a new empty directory per run); or VARIANTS,
a list of {"arguments", "expected", "tasks", "status"} runs of the same pipeline.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"corpus_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source_of(path: Path, module: ModuleType) -> str:
    """What to compile: the module's SOURCE (e.g. an IR file it wrote) or the .py file."""
    return str(getattr(module, "SOURCE", path))


@dataclass
class Case:
    arguments: dict[str, Any]
    expected: Optional[dict[str, Any]]
    status: str = "Succeeded"
    tasks: dict[str, Any] = field(default_factory=dict)  # name -> status or {"status", "outputs"}
    taskruns: dict[str, int] = field(default_factory=dict)


def cases(module: ModuleType) -> list[Case]:
    if hasattr(module, "VARIANTS"):
        out = []
        for v in module.VARIANTS:
            if isinstance(v, (tuple, list)):  # (ARGUMENTS, EXPECTED, EXPECTED_TASKS)
                arguments, expected, tasks = (list(v) + [None, None, None])[:3]
                v = {"arguments": arguments, "expected": expected, "tasks": tasks or {}}
            out.append(Case(v.get("arguments") or {}, v.get("expected"), v.get("status", "Succeeded"),
                            v.get("tasks") or {}))
        return out
    return [Case(dict(getattr(module, "ARGUMENTS", {})), getattr(module, "EXPECTED", None),
                 getattr(module, "EXPECTED_STATUS", "Succeeded"), getattr(module, "EXPECTED_TASKS", {}),
                 getattr(module, "TASKRUNS", {}))]


def with_fresh_directory(module: ModuleType, arguments: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    name = getattr(module, "FRESH_DIRECTORY_PARAM", None)
    if name:
        arguments = {**arguments, name: str(tmp_path / f"fresh-{name}")}
    return arguments


def manifest(result, task: str) -> dict[str, Any]:
    path = result.run_dir / "workspaces" / "tekflow-artifacts" / result.name / task / "_tekflow_outputs.json"
    return json.loads(path.read_text())


def task_named(result, key: str) -> str:
    """A task by its Tekton name or its display name."""
    if key in result.tasks:
        return key
    matches = [n for n, r in result.tasks.items() if r.display_name == key]
    assert len(matches) == 1, f"no single task named {key!r}: {sorted(result.tasks)}"
    return matches[0]


def check_run(case: Case, result) -> None:
    """Status, pipeline outputs and task states as the case expects them."""
    logs = {n: result.log(n)[-3000:] for n, t in result.tasks.items() if t.status == "Failed"}
    assert result.status == case.status, (result.summary(), logs)
    if case.expected is not None:
        assert result.outputs == case.expected, (result.outputs, logs)
    for key, expected in case.tasks.items():
        expected = expected if isinstance(expected, dict) else {"status": expected}
        name = task_named(result, key)
        record = result.tasks[name]
        assert record.status == expected["status"], (key, record, logs)
        for output, value in expected.get("outputs", {}).items():
            assert manifest(result, name)["parameters"][output] == value
    for key, count in case.taskruns.items():
        assert len(result.tasks[task_named(result, key)].taskruns) == count
