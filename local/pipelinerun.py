"""Load a Tekton v1 PipelineRun for local execution: refs resolved, unsupported fields named.

SOURCE may be a Tekton YAML file (one PipelineRun, possibly with the Pipeline and Task
documents its `pipelineRef` / `taskRef` name), a KFP pipeline (.py) or KFP IR file (compiled
first), or a PipelineRun object.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Optional

from tekflow.compiler import tekton
from tekflow.compiler.documents import load_all
from tekflow.compiler.serde import ModelError
from tekflow.compiler.validation import AdmissionError, admit, check_run_start
from tekflow.errors import NotSupportedError, TekflowError

TEKTON_SUFFIXES = (".yaml", ".yml", ".json")
# what Tekton labels runs with; context.pipeline.name and context.task.name come from them
PIPELINE_LABEL = "tekton.dev/pipeline"
TASK_LABEL = "tekton.dev/task"
# objects `tekflow compile` writes beside the PipelineRun (gang scheduling's pod groups)
LOCALLY_IRRELEVANT_KINDS = frozenset({"PodGroup"})


def is_tekton_file(path: Path) -> bool:
    """A YAML/JSON file whose first document is a Tekton object (else: KFP IR)."""
    if path.suffix not in TEKTON_SUFFIXES or not path.is_file():
        return False
    for doc in load_all(path):  # a file tekflow refuses to read is an error whatever it holds
        if isinstance(doc, dict):
            return str(doc.get("apiVersion", "")).startswith("tekton.dev/")
    return False


def load_file(path: Path, definitions: tuple[Path, ...] = ()) -> tekton.PipelineRun:
    """The one PipelineRun of `path`, its refs resolved to the Pipeline and Task documents of
    `path` and of the `definitions` files (`tekflow compile --tasks-output`). Every document
    first passes Tekton's admission checks, as it would on `kubectl create`."""
    objects = _documents(path)
    runs = [o for o in objects if isinstance(o, tekton.PipelineRun)]
    if len(runs) != 1:
        raise TekflowError(f"{path}: expected one PipelineRun, found {len(runs)}")
    for extra in definitions:
        found = _documents(extra)
        if any(isinstance(o, tekton.PipelineRun) for o in found):
            raise TekflowError(f"{extra}: holds a PipelineRun; give Task and Pipeline documents only")
        objects += found
    pipelines = {o.metadata.name: o for o in objects if isinstance(o, tekton.Pipeline)}
    tasks = {o.metadata.name: o for o in objects if isinstance(o, tekton.Task)}
    try:
        return _resolve(runs[0], pipelines, tasks)
    except AdmissionError as e:
        raise e.at(str(path)) from None


def _documents(path: Path) -> list[Any]:
    docs = load_all(path)  # within tekflow's size, depth and alias limits; errors name the file
    objects = []
    for i, doc in enumerate(docs):
        if isinstance(doc, dict) and doc.get("kind") in LOCALLY_IRRELEVANT_KINDS:
            continue  # created beside the run for a cluster's scheduler; nothing to do on this machine
        try:
            document = tekton.document_from_data(doc)
        except ModelError as e:
            raise TekflowError(f"{path}: document {i}: {e}") from None
        try:
            admit(document)
        except AdmissionError as e:
            raise e.at(f"{path}: document {i}") from None
        objects.append(document)
    return objects


def resolve(run: tekton.PipelineRun, pipelines: Optional[dict[str, Any]] = None,
            tasks: Optional[dict[str, Any]] = None) -> tekton.PipelineRun:
    """A copy of the run with every ref replaced by the spec it names, after Tekton's admission
    checks of the run as given; then checks what Tekton checks at its start and what runs here."""
    admit(run)
    return _resolve(run, pipelines, tasks)


def _resolve(run: tekton.PipelineRun, pipelines: Optional[dict[str, Any]] = None,
             tasks: Optional[dict[str, Any]] = None) -> tekton.PipelineRun:
    run = copy.deepcopy(run)
    pipelines, tasks = pipelines or {}, tasks or {}
    spec = run.spec
    if spec.pipeline_ref is not None:
        ref = spec.pipeline_ref
        if ref.resolver or not ref.name:
            raise NotSupportedError(f"pipelineRef with resolver {ref.resolver!r}: put the Pipeline in the same file")
        if ref.name not in pipelines:
            raise TekflowError(f"pipelineRef {ref.name!r}: no Pipeline of that name in the file "
                               f"(found: {', '.join(sorted(pipelines)) or 'none'})")
        spec.pipeline_spec = copy.deepcopy(pipelines[ref.name].spec)
        run.metadata.labels = {**(run.metadata.labels or {}), PIPELINE_LABEL: ref.name}
        spec.pipeline_ref = None
    if spec.pipeline_spec is None:
        raise TekflowError("the PipelineRun has neither pipelineSpec nor pipelineRef")
    if spec.status:
        raise NotSupportedError(f"spec.status {spec.status!r}: a pending, cancelled or stopped PipelineRun does not "
                                "run locally; remove the field")
    for task in [*spec.pipeline_spec.tasks, *spec.pipeline_spec.finally_]:
        if task.pipeline_ref is not None or task.pipeline_spec is not None:
            raise NotSupportedError(f"task {task.name!r}: pipelineRef/pipelineSpec in a PipelineTask (pipelines in "
                                    "pipelines) does not run locally")
        if task.task_ref is not None:
            ref = task.task_ref
            if ref.resolver or (ref.kind and ref.kind != "Task") or (ref.api_version and ref.api_version != tekton.API_VERSION):
                raise NotSupportedError(f"task {task.name!r}: taskRef to {ref.kind or ref.resolver!r} (custom tasks, "
                                        "resolvers and cluster tasks do not run locally)")
            if ref.name not in tasks:
                raise TekflowError(f"task {task.name!r}: taskRef {ref.name!r} names no Task in the file or the "
                                   f"--tasks files (found: {', '.join(sorted(tasks)) or 'none'})")
            task_spec = copy.deepcopy(tasks[ref.name].spec)
            task.task_spec = tekton.EmbeddedTask(**{f: getattr(task_spec, f) for f in task_spec.__dataclass_fields__})
            task.task_ref = None
            # Tekton labels a TaskRun with the Task it runs; context.task.name is that name
            task.task_spec.metadata = tekton.PipelineTaskMetadata(labels={TASK_LABEL: ref.name})
        if task.task_spec is None:
            raise TekflowError(f"task {task.name!r} has neither taskSpec nor taskRef")
        for i, step in enumerate(task.task_spec.steps):
            step.name = step.name or f"unnamed-{i}"  # what Tekton calls a step without a name
    check_run_start(run)
    for task in [*spec.pipeline_spec.tasks, *spec.pipeline_spec.finally_]:
        _check_task(task)
    for binding in spec.workspaces:
        if binding.config_map is not None or binding.secret is not None:
            raise NotSupportedError(f"workspace {binding.name!r}: configMap and secret workspaces do not run locally")
    return run


def _check_task(task: tekton.PipelineTask) -> None:
    where = f"task {task.name!r}"
    ts = task.task_spec
    if ts.sidecars:
        raise NotSupportedError(f"{where}: sidecars do not run locally")
    if ts.volumes:
        raise NotSupportedError(f"{where}: taskSpec.volumes do not run locally (use workspaces)")
    for step in ts.steps:
        swhere = f"{where}, step {step.name!r}"
        for name in ("env_from", "volume_mounts", "volume_devices", "workspaces", "results"):
            if getattr(step, name):
                raise NotSupportedError(f"{swhere}: {_camel(name)} is not supported locally")
        if step.ref is not None:
            raise NotSupportedError(f"{swhere}: ref (StepActions) does not run locally; inline the step")
        if step.when:
            raise NotSupportedError(f"{swhere}: step-level when expressions do not run locally")
        if step.params:
            raise NotSupportedError(f"{swhere}: step params (StepActions) do not run locally")
        for name in ("stdout_config", "stderr_config"):
            if getattr(step, name) is not None:
                raise NotSupportedError(f"{swhere}: {_camel(name)} is not supported locally")
        for env in step.env:
            if env.value_from is not None:
                raise NotSupportedError(f"{swhere}: env {env.name!r} uses valueFrom, which does not run locally")
        if not step.command and not step.script:
            raise NotSupportedError(f"{swhere}: no command or script (an image's entrypoint cannot run locally)")
    for when in task.when:
        if when.cel:
            raise NotSupportedError(f"{where}: CEL when expressions do not run locally")
    if ts.step_template is not None:
        for name in ("env_from", "volume_mounts", "volume_devices"):
            if getattr(ts.step_template, name):
                raise NotSupportedError(f"{where}: stepTemplate.{_camel(name)} is not supported locally")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)
