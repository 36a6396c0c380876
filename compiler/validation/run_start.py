"""What Tekton's controller checks when a PipelineRun starts, before any TaskRun, and what the
TaskRun admission refuses when the controller creates a task's TaskRun.

These need the run with its refs resolved (every task's spec at hand). Tekton fails such a run
permanently; here it fails before anything runs, with the controller's words.
"""

from __future__ import annotations

from tekflow.compiler import tekton

from . import duration
from .field_errors import Errors, error, go_quote, invalid_value
from .graph import task_result_refs
from .substitution import expressions, result_refs


def run_start_errors(run: tekton.PipelineRun) -> Errors:
    spec = run.spec
    pipeline = spec.pipeline_spec
    if pipeline is None:
        return Errors()
    # Tekton stops at the first of these stages that fails
    for stage in (lambda: _workspace_bindings(pipeline, spec.workspaces),
                  lambda: _task_run_specs(pipeline, spec.task_run_specs),
                  lambda: _result_references(pipeline), lambda: _optional_workspaces(pipeline),
                  lambda: _task_runs(pipeline, spec.workspaces)):
        errs = stage()
        if errs:
            return errs.via_field("spec")
    return Errors()


def _tasks(pipeline: tekton.PipelineSpec):
    for field, tasks in (("tasks", pipeline.tasks), ("finally", pipeline.finally_)):
        for i, task in enumerate(tasks):
            yield f"pipelineSpec.{field}[{i}]", task


def _workspace_bindings(pipeline: tekton.PipelineSpec, bindings: list[tekton.WorkspaceBinding]) -> Errors:
    bound = {b.name for b in bindings}
    errs = Errors()
    for workspace in pipeline.workspaces:
        if not workspace.optional and workspace.name not in bound:
            errs = errs.also(error(f"pipeline requires workspace with name {go_quote(workspace.name)} be provided by "
                                   "pipelinerun", "workspaces"))
    return errs


def _task_run_specs(pipeline: tekton.PipelineSpec, specs: list[tekton.PipelineTaskRunSpec]) -> Errors:
    names = {t.name for t in [*pipeline.tasks, *pipeline.finally_]}
    errs = Errors()
    for i, spec in enumerate(specs):
        if spec.pipeline_task_name not in names:
            errs = errs.also(error(f"pipelineRun's taskrunSpecs defined wrong taskName: "
                                   f"{go_quote(spec.pipeline_task_name)}, does not exist in Pipeline",
                                   f"taskRunSpecs[{i}].pipelineTaskName"))
    return errs


def _missing_result(ref, by_name: dict[str, tekton.PipelineTask]) -> str:
    producer = by_name.get(ref.task)
    if producer is None:
        return f"referenced pipeline task {go_quote(ref.task)} does not exist"
    declared = producer.task_spec.results if producer.task_spec is not None else []
    if all(result.name != ref.result for result in declared):
        return f"{go_quote(ref.result)} is not a named result returned by pipeline task {go_quote(ref.task)}"
    return ""


def _result_references(pipeline: tekton.PipelineSpec) -> Errors:
    """Each `$(tasks.T.results.R)` names a result T declares (ValidatePipelineTaskResults/Results)."""
    by_name = {t.name: t for t in [*pipeline.tasks, *pipeline.finally_]}
    errs = Errors()
    for path, task in _tasks(pipeline):
        for ref in task_result_refs(task):
            problem = _missing_result(ref, by_name)
            if problem:
                errs = errs.also(error(f"invalid result reference in pipeline task {go_quote(task.name)}: {problem}",
                                       path))
                break
    for i, result in enumerate(pipeline.results):
        values = result.value if isinstance(result.value, list) else (
            list(result.value.values()) if isinstance(result.value, dict) else [result.value])
        for ref in result_refs([e for text in values for e in expressions(text)]):
            problem = _missing_result(ref, by_name)
            if problem:
                errs = errs.also(error(f"invalid pipeline result {go_quote(result.name)}: {problem}",
                                       f"pipelineSpec.results[{i}]"))
                break
    return errs


def _optional_workspaces(pipeline: tekton.PipelineSpec) -> Errors:
    optional = {w.name for w in pipeline.workspaces if w.optional}
    errs = Errors()
    for path, task in _tasks(pipeline):
        declared = {w.name: w for w in task.task_spec.workspaces} if task.task_spec is not None else {}
        for j, binding in enumerate(task.workspaces):
            own = declared.get(binding.name)
            if binding.workspace in optional and own is not None and not own.optional:
                errs = errs.also(error(f"pipeline workspace {go_quote(binding.workspace)} is marked optional but "
                                       f"pipeline task {go_quote(task.name)} requires it be provided",
                                       f"{path}.workspaces[{j}]"))
    return errs


def _task_runs(pipeline: tekton.PipelineSpec, bindings: list[tekton.WorkspaceBinding]) -> Errors:
    """The TaskRun each task becomes: retries and timeout >= 0, each workspace it needs bound."""
    bound = {b.name for b in bindings}
    errs = Errors()
    for path, task in _tasks(pipeline):
        if task.retries is not None and task.retries < 0:
            errs = errs.also(invalid_value(f"{task.retries} should be >= 0", f"{path}.retries"))
        if task.timeout is not None:
            try:
                timeout = duration.parse(task.timeout)
            except duration.DurationError:
                timeout = 0  # reported by the admission checks
            if timeout < 0:
                errs = errs.also(invalid_value(f"{duration.format_go(timeout)} should be >= 0", f"{path}.timeout"))
        declared = {w.name: w for w in task.task_spec.workspaces} if task.task_spec is not None else {}
        for j, binding in enumerate(task.workspaces):
            wanted = binding.workspace or binding.name
            own = declared.get(binding.name)
            if wanted not in bound and not (own is not None and own.optional):
                errs = errs.also(error(f"expected workspace {go_quote(wanted)} to be provided by pipelinerun for "
                                       f"pipeline task {go_quote(task.name)}", f"{path}.workspaces[{j}]"))
    return errs
