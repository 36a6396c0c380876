"""Run a compiled PipelineRun's steps here as real processes — a test helper for the launcher.

Deliberately small: tasks in dependency order, one at a time; Tekton variables substituted in
step args; `when` in/notin; matrix over the batch param; finally tasks last. The product's
executor is tekflow.local; this helper only exists to exercise prepare -> main -> publish.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tekflow.compiler import tekton

VARIABLE = re.compile(r"\$\(([^()]+)\)")


@dataclass
class HarnessRun:
    status: dict[str, str] = field(default_factory=dict)  # task -> Succeeded | Failed | Skipped
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    store: Path = Path()
    run_name: str = ""
    store_root: str | None = None

    def manifest(self, task: str, coord: str = "") -> dict:
        path = self.store / self.run_name / task / (coord and coord + "/") / "_tekflow_outputs.json"
        return json.loads(Path(str(path).replace("//", "/")).read_text())


def run_pipelinerun(run: tekton.PipelineRun, workdir: Path, params: dict[str, str] | None = None,
                    run_name: str = "run-1", store_root: str | None = None) -> HarnessRun:
    """Run every task; `store_root` replaces each launcher's --pipeline-root (e.g. an fsspec
    `local://` URI standing in for an object store, whose layout is then under workdir/store)."""
    spec = run.spec.pipeline_spec
    values = {p.name: p.default for p in spec.params if p.default is not None}
    values.update({p.name: p.value for p in run.spec.params})
    values.update(params or {})
    store = workdir / "store"
    store.mkdir(parents=True, exist_ok=True)
    out = HarnessRun(store=store, run_name=run_name, store_root=store_root)
    pending = list(spec.tasks)
    while pending:
        ready = [t for t in pending if all(d in out.status for d in _deps(t))]
        assert ready, f"no task can run: {[t.name for t in pending]}"
        task = ready[0]
        pending.remove(task)
        _run_task(task, values, out, workdir, run_name, finally_=False)
    for task in spec.finally_:
        _run_task(task, values, out, workdir, run_name, finally_=True)
    for result in spec.results:
        try:
            out.outputs[result.name] = _substitute(result.value, values, out, {}, run_name)
        except KeyError:  # Tekton leaves out a result whose task did not produce it
            continue
    return out


def _deps(task: tekton.PipelineTask) -> set[str]:
    texts = [json.dumps(p.value) for p in task.params] + [w.input or "" for w in task.when]
    if task.matrix:
        texts += [json.dumps(p.value) for p in task.matrix.params]
    refs = {m.group(1) for text in texts for m in re.finditer(r"\$\(tasks\.([a-z0-9-]+)\.results\.", text)}
    return set(task.run_after or []) | refs


def _run_task(task, values, out: HarnessRun, workdir: Path, run_name: str, finally_: bool) -> None:
    failed_upstream = any(out.status.get(d) == "Failed" for d in _deps(task))
    if not finally_ and (failed_upstream or any(out.status.get(d) == "Failed" for d in out.status)):
        out.status[task.name] = "Skipped"
        return
    for ref in re.findall(r"\$\(tasks\.([a-z0-9-]+)\.results\.", json.dumps([p.value for p in task.params])):
        if out.status.get(ref) != "Succeeded":
            out.status[task.name] = "Skipped"
            return
    for when in task.when:
        value = _substitute(when.input, values, out, {}, run_name)
        if (value in when.values) != (when.operator == "in"):
            out.status[task.name] = "Skipped"
            return
    task_params = {p.name: _substitute(p.value, values, out, {}, run_name) for p in task.params}
    combos = [{}]
    if task.matrix:
        (mp,) = task.matrix.params
        items = _substitute(mp.value, values, out, {}, run_name)
        items = json.loads(items) if isinstance(items, str) else items
        if not items:
            out.status[task.name] = "Skipped"
            return
        combos = [{mp.name: item} for item in items]
    ok = True
    for n, combo in enumerate(combos):
        ok &= _run_taskrun(task, {**task_params, **combo}, values, out, workdir / f"{task.name}-{n}", run_name)
    out.status[task.name] = "Succeeded" if ok else "Failed"


def _run_taskrun(task, task_params, values, out: HarnessRun, trdir: Path, run_name: str) -> bool:
    io = trdir / "io"
    io.mkdir(parents=True)
    local = {"workspaces.tekflow-io.path": str(io), "workspaces.tekflow-artifacts.path": str(out.store)}
    for key, value in task_params.items():
        local[f"params.{key}"] = value
    results_dir = trdir / "results"
    results_dir.mkdir()
    for r in task.task_spec.results:
        local[f"results.{r.name}.path"] = str(results_dir / r.name)
    exit_file = trdir / "main-exit-code"
    local["steps.step-main.exitCode.path"] = str(exit_file)
    env = dict(os.environ, TEKFLOW_LOCAL="1", PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    log = []
    for step in task.task_spec.steps:
        argv = [_substitute(a, values, out, local, run_name) for a in [*step.command, *step.args]]
        if out.store_root and "--pipeline-root" in argv:
            argv[argv.index("--pipeline-root") + 1] = out.store_root
        if argv[:3] == ["python3", "-m", "tekflow.runtime"]:
            argv[0] = sys.executable
        step_env = dict(env, **{e.name: e.value for e in step.env})
        proc = subprocess.run(argv, capture_output=True, text=True, env=step_env, timeout=300)
        log.append(f"--- {step.name} ({proc.returncode})\n{proc.stdout}{proc.stderr}")
        if step.name == "main":
            exit_file.write_text(str(proc.returncode))
        elif proc.returncode != 0:
            out.logs[task.name] = "\n".join(log)
            return False
    out.logs[task.name] = "\n".join(log)
    out.results[task.name] = {r.name: (results_dir / r.name).read_text() for r in task.task_spec.results
                              if (results_dir / r.name).exists()}
    return True


def _substitute(value: Any, values, out: HarnessRun, local, run_name: str) -> Any:
    if isinstance(value, list):
        if len(value) == 1 or not all(isinstance(v, str) for v in value):
            pass
        return [_substitute(v, values, out, local, run_name) for v in value]
    if not isinstance(value, str):
        return value
    whole = re.fullmatch(r"\$\(tasks\.([a-z0-9-]+)\.results\.([a-zA-Z0-9_-]+)\[\*\]\)", value)
    if whole:
        return json.loads(out.results[whole.group(1)][whole.group(2)])

    def replace(m: re.Match) -> str:
        key = m.group(1)
        if key in local:
            return local[key]
        if key.startswith("params."):
            return values[key[len("params."):]]
        if key.startswith("tasks.") and ".results." in key:
            task, result = key[len("tasks."):].split(".results.")
            return out.results[task][result]
        if key.startswith("tasks.") and key.endswith(".status"):
            return out.status.get(key[len("tasks."):-len(".status")], "None")
        if key == "context.pipelineRun.name":
            return run_name
        if key == "context.pipelineRun.uid":
            return "uid-" + run_name
        if key == "context.task.retry-count":
            return "0"
        return m.group(0)

    return VARIABLE.sub(replace, value)


def load(path: Path) -> tekton.PipelineRun:
    return tekton.document_from_data(yaml.safe_load(path.read_text()))
