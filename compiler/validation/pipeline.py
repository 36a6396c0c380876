"""PipelineSpec and PipelineTask checks, after Tekton's pipeline_validation.go and matrix_types.go.

Feature gates (enable-api-fields, CEL, param enums, artifacts, concise resolver syntax) are the
cluster's configuration, not the document's correctness: they are left out, and the local
executor says for itself which features it does not run.
"""

from __future__ import annotations

from typing import Any, Callable

from tekflow.compiler import tekton
from tekflow.compiler.names import is_dns_label

from . import duration
from .field_errors import Errors, error, go_quote, invalid_value, missing_one_of, multiple_one_of
from .graph import all_params, graph_problem, param_texts
from .pipeline_params import duplicate_params, task_parameter_usage
from .refs import validate_ref
from .substitution import expressions, looks_like_result_ref, result_refs, unknown_variables
from .task import (NAMES_URL, no_duplicate_names, param_enums, parameter_types,
                   usage_of_declared_parameters, validate_task_spec)
from .when import validate_when

MAX_MATRIX_COMBINATIONS = 256  # Tekton's default-max-matrix-combinations-count
VALID_PREFIXES = ("params", "tasks", "finally", "context", "workspaces", "results")


def validate_pipeline_spec(ps: tekton.PipelineSpec) -> Errors:
    """PipelineSpec.Validate: the spec itself, whatever embeds it."""
    errs = Errors()
    if not (ps.display_name or ps.description or ps.tasks or ps.params or ps.workspaces or ps.results
            or ps.finally_):
        errs = errs.also(error("expected at least one, got none", "description", "params", "resources", "tasks",
                               "workspaces"))
    errs = errs.also(_pipeline_tasks(ps.tasks, ps.finally_))
    problem = graph_problem(ps.tasks)
    if problem:
        errs = errs.also(invalid_value(problem, "tasks"))
    errs = errs.also(parameter_types(ps.params).via_field("params"))
    errs = errs.also(no_duplicate_names(ps.params)).also(param_enums(ps.params).via_field("params"))
    for field, tasks in (("tasks", ps.tasks), ("finally", ps.finally_)):
        for i, task in enumerate(tasks):
            errs = errs.also(duplicate_params(task.params).via_field("params").via_index(i).via_field(field))
        errs = errs.also(_context_variables(tasks, field))
    errs = errs.also(_execution_status_variables(ps.tasks, ps.finally_))
    errs = errs.also(_workspace_declarations(ps.workspaces))
    errs = errs.also(_pipeline_results(ps.results, ps.tasks, ps.finally_))
    if ps.finally_ and not ps.tasks:
        errs = errs.also(invalid_value(f"spec.tasks is empty but spec.finally has {len(ps.finally_)} tasks",
                                       "finally"))
    errs = errs.also(_final_tasks(ps.tasks, ps.finally_))
    for field, tasks in (("tasks", ps.tasks), ("finally", ps.finally_)):
        for i, task in enumerate(tasks):
            errs = errs.also(validate_when(task.when).via_field_index(field, i))
    for field, tasks in (("tasks", ps.tasks), ("finally", ps.finally_)):
        errs = errs.also(_matrices(tasks).via_field(field))
        errs = errs.also(_variable_prefixes(tasks, field))
    return errs


def validate_pipeline_usage(ps: tekton.PipelineSpec) -> Errors:
    """What a Pipeline created on its own (not embedded in a run) must also satisfy: every param and
    workspace its tasks use is declared by the pipeline (nothing can be propagated into it)."""
    errs = Errors()
    for field, tasks in (("tasks", ps.tasks), ("finally", ps.finally_)):
        for i, task in enumerate(tasks):
            if task.task_spec is not None:
                errs = errs.also(usage_of_declared_parameters(task.task_spec.steps, [*task.task_spec.params,
                                                                                     *ps.params])
                                 .via_field("taskSpec").via_field_index(field, i))
        errs = errs.also(task_parameter_usage(tasks, ps.params).via_field(field))
        declared = {w.name for w in ps.workspaces}
        for i, task in enumerate(tasks):
            errs = errs.also(_task_workspaces(task, declared).via_index(i).via_field(field))
    return errs


# -- pipeline tasks --------------------------------------------------------------------------------

def _pipeline_tasks(tasks: list[tekton.PipelineTask], finally_: list[tekton.PipelineTask]) -> Errors:
    """Names: DNS labels, unique across tasks and finally; each task valid on its own."""
    errs, names = Errors(), set()
    for field, group in (("tasks", tasks), ("finally", finally_)):
        for i, task in enumerate(group):
            if not is_dns_label(task.name):
                errs = errs.also(error(f"invalid value {go_quote(task.name)}", "name", details=(
                    f"Pipeline Task name must be a valid DNS Label.For more info refer to {NAMES_URL}"))
                    .via_field_index(field, i))
            if task.name in names:
                errs = errs.also(multiple_one_of("name").via_field_index(field, i))
            names.add(task.name)
            errs = errs.also(validate_pipeline_task(task).via_field_index(field, i))
    return errs


def validate_pipeline_task(task: tekton.PipelineTask) -> Errors:
    """PipelineTask.Validate: one of taskRef/taskSpec, onError, the referenced or embedded task."""
    given = [name for name, value in (("taskRef", task.task_ref), ("taskSpec", task.task_spec),
                                      ("pipelineRef", task.pipeline_ref), ("pipelineSpec", task.pipeline_spec))
             if value is not None]
    errs = Errors()
    if len(given) > 1:
        errs = errs.also(error("expected exactly one, got multiple", *given))
    elif not given:
        errs = errs.also(missing_one_of("taskRef", "taskSpec"))
    if task.on_error and not task.on_error.startswith("$(params"):
        if task.on_error not in ("continue", "stopAndFail"):
            errs = errs.also(invalid_value(task.on_error, "OnError",
                                           details='PipelineTask OnError must be either "continue" or "stopAndFail"'))
        if task.on_error == "continue" and (task.retries or 0) > 0:
            errs = errs.also(error('PipelineTask OnError cannot be set to "continue" when Retries is greater than 0',
                                   ""))
    if task.timeout is not None:
        try:
            duration.parse(task.timeout)
        except duration.DurationError as e:  # Tekton cannot even decode the document
            errs = errs.also(error(str(e), "timeout"))
    ref = task.task_ref
    if ref is not None and ((ref.kind or "Task") != "Task" or ref.api_version):
        return errs.also(_custom_task(ref))
    if task.task_spec is not None:
        errs = errs.also(validate_task_spec(task.task_spec).via_field("taskSpec"))
    if ref is not None:
        errs = errs.also(validate_ref(ref.name or "", ref.resolver or "", ref.params).via_field("taskRef"))
    if task.pipeline_ref is not None:
        pref = task.pipeline_ref
        errs = errs.also(validate_ref(pref.name or "", pref.resolver or "", pref.params).via_field("pipelineRef"))
    if task.pipeline_spec is not None:
        errs = errs.also(validate_pipeline_spec(task.pipeline_spec).via_field("pipelineSpec"))
    return errs


def _custom_task(ref: tekton.TaskRef) -> Errors:
    errs = Errors()
    if not ref.kind:
        errs = errs.also(invalid_value("custom task ref must specify kind", "taskRef.kind"))
    if not ref.api_version:
        return errs.also(invalid_value("custom task ref must specify apiVersion", "taskRef.apiVersion"))
    parts = ref.api_version.split("/")
    if len(parts) != 2 or not all(parts):
        errs = errs.also(invalid_value(f'invalid apiVersion format {go_quote(ref.api_version)}, must be in the '
                                       'format "group/version"', "taskRef.apiVersion"))
    return errs


def _task_workspaces(task: tekton.PipelineTask, declared: set[str]) -> Errors:
    errs, seen = Errors(), set()
    for i, binding in enumerate(task.workspaces):
        if binding.name in seen:
            errs = errs.also(error(f"workspace name {go_quote(binding.name)} must be unique", "")
                             .via_field_index("workspaces", i))
        wanted = binding.workspace or binding.name
        if wanted not in declared:
            errs = errs.also(invalid_value(f"pipeline task {go_quote(task.name)} expects workspace with name "
                                           f"{go_quote(wanted)} but none exists in pipeline spec", "")
                             .via_field_index("workspaces", i))
        seen.add(binding.name)
    return errs


# -- variables -------------------------------------------------------------------------------------

def _context_variables(tasks: list[tekton.PipelineTask], field: str) -> Errors:
    """Unknown `$(context.pipelineRun.x)`, `$(context.pipeline.x)`, `$(context.pipelineTask.x)`.

    Tekton looks only at the last task of the list (its loop keeps one task's values); so do we,
    not to refuse what Tekton accepts."""
    if not tasks:
        return Errors()
    i, task = len(tasks) - 1, tasks[-1]
    errs = Errors()
    for param in all_params(task):
        for text in param_texts(param.value):
            for prefix, names in (("context\\.pipelineRun", {"name", "namespace", "uid"}),
                                  ("context\\.pipeline", {"name"}), ("context\\.pipelineTask", {"retries"})):
                errs = errs.also(unknown_variables(text, prefix, names).via_field_key("params", param.name)
                                 .via_field_index(field, i))
    return errs


def _param_expressions(param: tekton.Param) -> list[str]:
    return [e for text in param_texts(param.value) for e in expressions(text)]


def _expression_places(task: tekton.PipelineTask) -> list[tuple[list[str], str, Callable[[Any], Any]]]:
    """Each param value and `when` of a task: its expressions, the field they sit in, and how an
    error found there gets the task-relative path."""
    places = [(_param_expressions(p), "value", lambda e, p=p: e.via_field_key("params", p.name))
              for p in task.params]
    places += [(_when_expressions(w), "", lambda e, i=i: e.via_field_index("when", i))
               for i, w in enumerate(task.when)]
    return places


def _when_expressions(when: tekton.WhenExpression) -> list[str]:
    return [e for text in (when.input or "", when.cel or "", *when.values) for e in expressions(text)]


def _status_ref(expression: str) -> bool:
    return expression.startswith("tasks.") and (expression.endswith(".status") or expression.endswith(".reason"))


def _execution_status_variables(tasks: list[tekton.PipelineTask], finally_: list[tekton.PipelineTask]) -> Errors:
    """`$(tasks.t.status)`, `$(tasks.status)`, `$(tasks.t.reason)`: only in finally, of known tasks."""
    errs = Errors()
    names = {t.name for t in tasks}
    for field, group in (("tasks", tasks), ("finally", finally_)):
        for idx, task in enumerate(group):
            for found, path, place in _expression_places(task):
                if not found or any(looks_like_result_ref(e) for e in found):
                    continue
                if field == "tasks":
                    if any(_status_ref(e) for e in found):
                        errs = errs.also(place(invalid_value("pipeline tasks can not refer to execution status of "
                                                             "any other pipeline task or aggregate status of tasks",
                                                             path)).via_field_index(field, idx))
                    continue
                for e in found:
                    if e == "tasks.status" or not _status_ref(e):
                        continue
                    name = e.removeprefix("tasks.").removesuffix(".status").removesuffix(".reason")
                    if name not in names:
                        errs = errs.also(place(invalid_value(f"pipeline task {name} is not defined in the pipeline",
                                                             path)).via_field_index(field, idx))
    return errs


def _variable_prefixes(tasks: list[tekton.PipelineTask], field: str) -> Errors:
    """A `$(…)` in a task's params or when names a Tekton variable, not a shell command."""
    def check(found: list[str], path: str) -> Errors:
        out = Errors()
        for e in found:
            if e.split(".", 1)[0] not in VALID_PREFIXES:
                out = out.also(invalid_value(
                    f"invalid variable reference {go_quote('$(' + e + ')')}, must start with a valid prefix: params, "
                    "tasks, finally, context, workspaces, or results; if you meant a shell variable, use ${VAR} "
                    "instead", path))
        return out

    errs = Errors()
    for idx, task in enumerate(tasks):
        for param in task.params:
            errs = errs.also(check(_param_expressions(param), "value").via_field_key("params", param.name)
                             .via_field_index(field, idx))
        for i, when in enumerate(task.when):
            errs = errs.also(check(_when_expressions(when), "").via_field_index("when", i).via_field_index(field, idx))
        if task.matrix is not None and (task.matrix.params or task.matrix.include):
            for param in task.matrix.params:
                errs = errs.also(check(_param_expressions(param), "value").via_field_key("matrix.params", param.name)
                                 .via_field_index(field, idx))
            for i, include in enumerate(task.matrix.include):
                for param in include.params:
                    errs = errs.also(check(_param_expressions(param), "value").via_field_key("params", param.name)
                                     .via_field_index("matrix.include", i).via_field_index(field, idx))
    return errs


# -- workspaces, results, finally ------------------------------------------------------------------

def _workspace_declarations(workspaces: list[tekton.PipelineWorkspaceDeclaration]) -> Errors:
    errs, seen = Errors(), set()
    for i, workspace in enumerate(workspaces):
        if not workspace.name:
            errs = errs.also(invalid_value(f"workspace {i} has empty name", "").via_field_index("workspaces", i))
        if workspace.name in seen:
            errs = errs.also(invalid_value(f"workspace with name {go_quote(workspace.name)} appears more than once",
                                           "").via_field_index("workspaces", i))
        seen.add(workspace.name)
    return errs


def _pipeline_results(results: list[tekton.PipelineResult], tasks: list[tekton.PipelineTask],
                      finally_: list[tekton.PipelineTask]) -> Errors:
    task_names, final_names = {t.name for t in tasks}, {t.name for t in finally_}
    errs = Errors()
    for idx, result in enumerate(results):
        found = [e for text in param_texts(result.value) for e in expressions(text)]
        place = lambda e: e.via_field_index("results", idx)  # noqa: E731
        if not found:
            errs = errs.also(place(invalid_value("expected pipeline results to be task result expressions but no "
                                                 "expressions were found", "value")))
        if not any(looks_like_result_ref(e) for e in found):
            errs = errs.also(place(invalid_value("expected pipeline results to be task result expressions but an "
                                                 "invalid expressions was found", "value")))
        refs_like = [e for e in found if looks_like_result_ref(e)]
        if len(result_refs(refs_like)) != len(refs_like):
            errs = errs.also(place(invalid_value(f"expected all of the expressions [{' '.join(refs_like)}] to be "
                                                 "result expressions but only some were", "value")))
        if not _names_existing_tasks(result.value if isinstance(result.value, str) else "", task_names, final_names):
            errs = errs.also(place(invalid_value("referencing a nonexistent task", "value")))
    return errs


def _names_existing_tasks(text: str, task_names: set[str], final_names: set[str]) -> bool:
    """Tekton's taskContainsResult: each `$`-separated piece of a string result is a result
    reference of an existing task (so text around a reference is refused too)."""
    for piece in text.split("$"):
        if not piece:
            continue
        value = ("$" + piece).removeprefix("$(").removesuffix(")")
        if not looks_like_result_ref(value) or len(value.split(".")) > 5:
            return False
        task = value.split(".")[1]
        if value.startswith("tasks") and task not in task_names:
            return False
        if value.startswith("finally") and task not in final_names:
            return False
    return True


def _final_tasks(tasks: list[tekton.PipelineTask], finally_: list[tekton.PipelineTask]) -> Errors:
    errs = Errors()
    task_names, final_names = {t.name for t in tasks}, {t.name for t in finally_}
    for idx, task in enumerate(finally_):
        if task.run_after:
            errs = errs.also(invalid_value(f"no runAfter allowed under spec.finally, final task {task.name} has "
                                           "runAfter specified", "").via_field_index("finally", idx))
    for idx, task in enumerate(finally_):
        for found, path, place in _expression_places(task):
            if not any(looks_like_result_ref(e) for e in found):
                continue
            for ref in result_refs(found):
                if ref.task in final_names:
                    message = f"final task has task result reference from a final task {ref.task}"
                elif ref.task not in task_names:
                    message = f"final task has task result reference from a task {ref.task} which is not defined " \
                              "in the pipeline"
                else:
                    continue
                errs = errs.also(place(invalid_value(f"invalid task result reference, {message}", path))
                                 .via_field_index("finally", idx))
    return errs


# -- matrix ----------------------------------------------------------------------------------------

def combinations(matrix: tekton.Matrix) -> int:
    """How many TaskRuns a matrix fans out to (Tekton's CountCombinations)."""
    count = 0
    if matrix.params:
        count = 1
        for param in matrix.params:
            if isinstance(param.value, list) and param.value:
                count *= len(param.value)
    if matrix.include:
        if not matrix.params:
            return count + len(matrix.include)
        values = {p.name: p.value if isinstance(p.value, list) else [] for p in matrix.params}
        for include in matrix.include:
            for param in include.params:
                if param.name in values:
                    if (param.value if isinstance(param.value, str) else "") not in values[param.name]:
                        count += 1
                    else:
                        break
    return count


def _matrices(tasks: list[tekton.PipelineTask]) -> Errors:
    errs = Errors()
    for idx, task in enumerate(tasks):
        matrix = task.matrix
        matrixed = matrix is not None and bool(matrix.params or matrix.include)
        if matrixed:
            count = combinations(matrix)
            if count > MAX_MATRIX_COMBINATIONS:
                errs = errs.also(error(f"expected 0 <= {count} <= {MAX_MATRIX_COMBINATIONS}", "matrix").via_index(idx))
            for i, include in enumerate(matrix.include):
                errs = errs.also(duplicate_params(include.params).via_field(f"matrix.include[{i}].params")
                                 .via_index(idx))
            errs = errs.also(duplicate_params(matrix.params).via_field("matrix.params").via_index(idx))
        if matrix is not None:
            in_matrix = {p.name for p in [*matrix.params, *(p for inc in matrix.include for p in inc.params)]}
            for param in task.params:
                if param.name in in_matrix:
                    errs = errs.also(multiple_one_of(f"matrix[{param.name}]", f"params[{param.name}]").via_index(idx))
    return errs.also(_matrixed_results_consumed(tasks))


def _is_matrixed(task: tekton.PipelineTask | None) -> bool:
    return task is not None and task.matrix is not None and bool(task.matrix.params or task.matrix.include)


def _matrixed_results_consumed(tasks: list[tekton.PipelineTask]) -> Errors:
    """Results of a matrixed task are used whole (`[*]`) and are strings (Tekton keeps only the
    references of the last param that has any, and stops at the first misuse; so do we)."""
    by_name = {t.name: t for t in tasks}
    last_refs: list = []
    for task in tasks:
        for param in task.params:
            found = _param_expressions(param)
            if not any(looks_like_result_ref(e) for e in found):
                continue
            refs = []
            for e in found:
                if not looks_like_result_ref(e):
                    continue
                if _is_matrixed(by_name.get(e.split(".")[1])):
                    if not e.endswith("[*]"):
                        return error("A matrixed pipelineTask can only be consumed in aggregate using [*] notation, "
                                     f"but is currently set to {e}", "")
                    refs.append(e)
            last_refs = result_refs(refs)
    errs = Errors()
    for ref in last_refs:
        producer = by_name[ref.task]
        spec = producer.task_spec
        for result in spec.results if spec is not None else []:
            if result.name == ref.result and result.type != "string":
                errs = errs.also(invalid_value(f"Matrixed PipelineTasks emitting results must have an underlying type "
                                               f"string, but result {ref.result} has type {result.type} in "
                                               "pipelineTask", ""))
    return errs


__all__ = ["combinations", "validate_pipeline_spec", "validate_pipeline_task",
           "validate_pipeline_usage"]
