"""PipelineRun checks (Tekton's pipelinerun_validation.go), object metadata, and the propagated
params of an embedded pipeline (validateInlineParameters)."""

from __future__ import annotations

from typing import Optional

from tekflow.compiler import tekton
from tekflow.compiler.names import is_dns_subdomain

from . import duration
from .field_errors import Errors, error, go_quote, invalid_value, missing_field, missing_one_of, multiple_one_of
from .pipeline import validate_pipeline_spec
from .pipeline_params import task_parameter_usage
from .refs import unique_param_names, validate_ref
from .substitution import expressions, looks_like_result_ref, result_refs
from .task import parameter_variables, usage_of_declared_parameters

SPEC_STATUSES = ("", "PipelineRunPending", "Cancelled", "CancelledRunFinally", "StoppedRunFinally")
# what the API server appends to metadata.generateName (5 random characters, base cut to 58)
GENERATED_SUFFIX = "bcdfg"
WORKSPACE_SOURCES = ("persistentvolumeclaim", "volumeclaimtemplate", "emptydir", "configmap", "secret")


def validate_metadata(meta: tekton.ObjectMeta) -> Errors:
    """validate.ObjectMetadata on the name the API server would store (generateName filled in)."""
    name = meta.name or ""
    if not name and meta.generate_name:
        name = meta.generate_name[:63 - len(GENERATED_SUFFIX)] + GENERATED_SUFFIX
    if not is_dns_subdomain(name):
        return error(f"invalid resource name {go_quote(name)}: must be a valid DNS label", "name")
    if len(name) > 63:
        return error("Invalid resource name: length must be no more than 63 characters", "name")
    return Errors()


def validate_pipelinerun(run: tekton.PipelineRun) -> Errors:
    return validate_metadata(run.metadata).via_field("metadata").also(
        _spec(run.spec).via_field("spec"))


def _spec(spec: tekton.PipelineRunSpec) -> Errors:
    errs = Errors()
    if spec.pipeline_ref is None and spec.pipeline_spec is None:
        errs = errs.also(missing_one_of("pipelineRef", "pipelineSpec"))
    if spec.pipeline_ref is not None and spec.pipeline_spec is not None:
        errs = errs.also(multiple_one_of("pipelineRef", "pipelineSpec"))
    if spec.pipeline_ref is not None:
        ref = spec.pipeline_ref
        errs = errs.also(validate_ref(ref.name or "", ref.resolver or "", ref.params).via_field("pipelineRef"))
    if spec.pipeline_spec is not None:
        errs = errs.also(validate_pipeline_spec(spec.pipeline_spec).via_field("pipelineSpec"))
    errs = errs.also(_run_params(spec.params))
    if spec.pipeline_spec is not None:
        errs = errs.also(_inline_parameters(spec))
    errs = errs.also(_timeouts(spec.timeouts))
    for i, task_run_spec in enumerate(spec.task_run_specs):
        errs = errs.also(_task_run_spec(task_run_spec, spec.timeouts).via_index(i).via_field("taskRunSpecs"))
    if (spec.status or "") not in SPEC_STATUSES:
        errs = errs.also(invalid_value(f"{spec.status} should be Cancelled, CancelledRunFinally, StoppedRunFinally "
                                       "or PipelineRunPending", "status"))
    errs = errs.also(_workspace_bindings(spec.workspaces))
    return errs


def _run_params(params: list[tekton.Param]) -> Errors:
    errs = unique_param_names([p.name for p in params]).via_field("params")
    for param in params:
        found = [e for text in _texts(param.value) for e in expressions(text)]
        refs_like = [e for e in found if looks_like_result_ref(e)]
        if refs_like and result_refs(refs_like):
            errs = errs.also(invalid_value(f"cannot use result expressions in [{' '.join(refs_like)}] as PipelineRun "
                                           "parameter values", "value").via_field_key("params", param.name))
    return errs


def _texts(value: tekton.ParamValue) -> list[str]:
    return list(value) if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]


# -- params propagated into the embedded pipeline --------------------------------------------------

def _inline_parameters(spec: tekton.PipelineRunSpec) -> Errors:
    """Params given by the run, declared by the pipeline, passed by its tasks or declared by their
    embedded taskSpecs may all be used in those tasks' steps; anything else is unknown.

    Tekton reports these paths relative to the step (`spec.steps[0].script`); we name the task."""
    pipeline = spec.pipeline_spec
    known: dict[str, tekton.ParamSpec] = {}
    errs = Errors()
    for param in spec.params:
        known[param.name] = _spec_from_value(param)
    for declared in pipeline.params:
        errs = errs.also(_combine(declared, known))
    for task in pipeline.tasks:
        for param in task.params:
            if param.name in known and isinstance(param.value, dict):
                merged = known[param.name]
                merged.properties = {**merged.properties, **{k: tekton.PropertySpec("string") for k in param.value}}
            elif param.name not in known:
                known[param.name] = _spec_from_value(param)
        if task.task_spec is not None:
            for declared in task.task_spec.params:
                errs = errs.also(_combine(declared, known))
    params = list(known.values())
    for i, task in enumerate(pipeline.tasks):
        if task.task_spec is None or not task.task_spec.steps:
            continue
        steps = task.task_spec.steps
        where = ("pipelineSpec", "tasks", i, "taskSpec")
        errs = errs.also(_via(parameter_variables(steps, params), where))
        errs = errs.also(_via(usage_of_declared_parameters(steps, params), where))
    if pipeline.tasks:
        errs = errs.also(task_parameter_usage(pipeline.tasks, params).via_field("pipelineSpec.tasks"))
    return errs


def _via(errs: Errors, where: tuple) -> Errors:
    prefix, field, index, inner = where
    return errs.via_field(inner).via_field_index(field, index).via_field(prefix)


def _spec_from_value(param: tekton.Param) -> tekton.ParamSpec:
    value = param.value
    kind = "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "string"
    properties = {k: tekton.PropertySpec("string") for k in value} if isinstance(value, dict) else {}
    return tekton.ParamSpec(name=param.name, type=kind, default=value, properties=properties)


def _combine(declared: tekton.ParamSpec, known: dict[str, tekton.ParamSpec]) -> Errors:
    """A declaration meets a value given for it: an object's properties must then be spelt out."""
    current: Optional[tekton.ParamSpec] = known.get(declared.name)
    if current is None:
        known[declared.name] = declared
        return Errors()
    if isinstance(declared.default, dict) and not declared.properties:
        return missing_field(f"{declared.name}.properties")
    if current.type == "object":
        if not declared.properties:
            return missing_field(f"{declared.name}.properties")
        current.properties = declared.properties
    return Errors()


# -- timeouts and task run specs -------------------------------------------------------------------

def _duration(text: Optional[str], path: str) -> tuple[Optional[int], Errors]:
    if text is None:
        return None, Errors()
    try:
        return duration.parse(text), Errors()
    except duration.DurationError as e:
        return None, error(str(e), path)


def _timeouts(timeouts: Optional[tekton.TimeoutFields]) -> Errors:
    """Each timeout is a duration >= 0; tasks and finally fit in the pipeline's (0 means none)."""
    if timeouts is None:
        return Errors()
    errs = Errors()
    values = {}
    for field in ("tasks", "finally", "pipeline"):
        value, problem = _duration(getattr(timeouts, "finally_" if field == "finally" else field), f"timeouts.{field}")
        errs, values[field] = errs.also(problem), value
        if value is not None and value < 0:
            errs = errs.also(invalid_value(f"{duration.format_go(value)} should be >= 0", f"timeouts.{field}"))
    if errs:
        return errs
    pipeline, tasks, finally_ = values["pipeline"], values["tasks"], values["finally"]
    message = "should be <= pipeline duration"
    for field, value in (("tasks", tasks), ("finally", finally_)):
        if value is None:
            continue
        if value == 0 and pipeline != 0:
            errs = errs.also(invalid_value(f"{duration.format_go(value)} (no timeout) {message}", f"timeouts.{field}"))
        elif pipeline != 0 and value > pipeline:
            errs = errs.also(invalid_value(f"{duration.format_go(value)} {message}", f"timeouts.{field}"))
    if tasks is not None and finally_ is not None and tasks + finally_ > pipeline:
        both = f"{duration.format_go(tasks)} + {duration.format_go(finally_)} {message}"
        errs = errs.also(invalid_value(both, "timeouts.tasks")).also(invalid_value(both, "timeouts.finally"))
    return errs


def _task_run_spec(spec: tekton.PipelineTaskRunSpec, timeouts: Optional[tekton.TimeoutFields]) -> Errors:
    errs = Errors()
    if spec.step_specs:
        names = []
        for i, step in enumerate(spec.step_specs):
            if not step.name:
                errs = errs.also(missing_field("name").via_index(i).via_field("stepSpecs"))
            else:
                names.append(step.name)
        seen = set()
        for i, name in enumerate(names):
            if name.lower() in seen:
                errs = errs.also(multiple_one_of("name").via_index(i).via_field("stepSpecs"))
            seen.add(name.lower())
    if spec.compute_resources is not None and any(s.compute_resources for s in spec.step_specs):
        errs = errs.also(multiple_one_of("stepSpecs.resources", "computeResources"))
    timeout, problem = _duration(spec.timeout, "timeout")
    if problem or timeout is None:
        return errs.also(problem)
    if timeout < 0:
        return errs.also(invalid_value(f"{duration.format_go(timeout)} should be >= 0", "timeout"))
    timeouts = timeouts or tekton.TimeoutFields()
    limit, source = 3600 * 10**9, "default pipeline duration"
    for text, name in ((timeouts.tasks, "pipeline tasks duration"), (timeouts.pipeline, "pipeline duration")):
        if text is not None:
            try:
                limit, source = duration.parse(text), name
            except duration.DurationError:  # reported with spec.timeouts
                return errs
            break
    if limit < 0:  # reported with spec.timeouts
        return errs
    if limit != 0 and timeout > limit:
        errs = errs.also(invalid_value(f"{duration.format_go(timeout)} should be <= {source} "
                                       f"{duration.format_go(limit)}", "timeout"))
    return errs


def _workspace_bindings(bindings: list[tekton.WorkspaceBinding]) -> Errors:
    errs, seen = Errors(), {}
    for i, binding in enumerate(bindings):
        errs = errs.also(_binding(binding).via_field_index("workspaces", i))
        if binding.name in seen:
            errs = errs.also(error(f"workspace {go_quote(binding.name)} provided by pipelinerun more than once, at "
                                   f"index {seen[binding.name]} and {i}", "name").via_field_index("workspaces", i))
        seen[binding.name] = i
    return errs


def _binding(binding: tekton.WorkspaceBinding) -> Errors:
    sources = [binding.persistent_volume_claim, binding.volume_claim_template, binding.empty_dir,
               binding.config_map, binding.secret]
    count = sum(s is not None for s in sources)
    if count > 1:
        return multiple_one_of(*WORKSPACE_SOURCES)
    if count == 0:
        return missing_one_of(*WORKSPACE_SOURCES)
    if binding.persistent_volume_claim is not None and not binding.persistent_volume_claim.claim_name:
        return missing_field("persistentvolumeclaim.claimname")
    if binding.config_map is not None and not binding.config_map.name:
        return missing_field("configmap.name")
    if binding.secret is not None and not binding.secret.secret_name:
        return missing_field("secret.secretName")
    return Errors()
