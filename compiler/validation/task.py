"""TaskSpec, Step, Sidecar, ParamSpec and TaskResult checks, after Tekton's task_validation.go,
container_validation.go and result_validation.go (pkg/apis/pipeline/v1)."""

from __future__ import annotations

import posixpath
import re
from typing import Iterator, Optional

from tekflow.compiler import tekton
from tekflow.compiler.names import is_dns_label

from . import duration
from .field_errors import Errors, error, go_quote, invalid_value, missing_field, multiple_one_of
from .refs import validate_ref
from .substitution import entire_prohibited_variables, isolated_reference, prohibited_variables, unknown_variables

PARAM_TYPES = ("string", "array", "object")
PARAM_NAME = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9.-]*$")
OBJECT_PARAM_NAME = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9-]*$")
RESULT_NAME_FORMAT = "^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"
RESULT_NAME = re.compile(RESULT_NAME_FORMAT)
NAMES_URL = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names"
_STEP_RESULT_USE = re.compile(r"\$\(steps\..*?\.results\..*?\)")
_STEP_RESULT_VALUE = re.compile(r"\$\(steps\.(.*?)\.results\.(.*?)\)")
RESERVED_SIDECAR = "tekton-log-results"


def value_type(value: tekton.ParamValue) -> str:
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "string"


# -- the task spec ---------------------------------------------------------------------------------

def validate_task_spec(ts: tekton.TaskSpec) -> Errors:
    """TaskSpec.Validate (its params may be propagated from a pipeline, so their use is not checked here)."""
    errs = Errors()
    if not ts.steps:
        errs = errs.also(missing_field("steps"))
    errs = errs.also(_volumes(ts.volumes).via_field("volumes"))
    errs = errs.also(_declared_workspaces(ts).via_field("workspaces"))
    errs = errs.also(_workspace_usages(ts))
    errs = errs.also(_step_list(merged_steps(ts)).via_field("steps"))
    errs = errs.also(_sidecars(ts.sidecars).via_field("sidecars"))
    errs = errs.also(parameter_types(ts.params).via_field("params"))
    errs = errs.also(parameter_variables(ts.steps, ts.params))
    errs = errs.also(_context_variables(ts.steps))
    errs = errs.also(_result_variables(ts.steps, ts.results))
    for i, result in enumerate(ts.results):
        errs = errs.also(_task_result(result).via_index(i).via_field("results"))
    return errs


def merged_steps(ts: tekton.TaskSpec) -> list[tekton.Step]:
    """Steps with the stepTemplate's container fields filled in, as Tekton validates them."""
    template = ts.step_template
    if template is None:
        return ts.steps
    merged = []
    for step in ts.steps:
        if step.ref is not None:
            merged.append(step)
            continue
        env = {e.name: e for e in template.env}
        env.update({e.name: e for e in step.env})
        merged.append(tekton.Step(**{**vars(step), "image": step.image or template.image,
                                     "command": step.command or template.command,
                                     "args": step.args or template.args,
                                     "working_dir": step.working_dir or template.working_dir,
                                     "env": list(env.values()),
                                     "volume_mounts": [*template.volume_mounts, *step.volume_mounts]}))
    return merged


def _volumes(volumes: list) -> Errors:
    errs, seen = Errors(), set()
    for i, volume in enumerate(volumes):
        if volume.name in seen:
            errs = errs.also(error(f"multiple volumes with same name {go_quote(volume.name)}", "name").via_index(i))
        seen.add(volume.name)
    return errs


def _declared_workspaces(ts: tekton.TaskSpec) -> Errors:
    mounts = {posixpath.normpath(m.mount_path) for s in ts.steps for m in s.volume_mounts}
    if ts.step_template is not None:
        mounts |= {posixpath.normpath(m.mount_path) for m in ts.step_template.volume_mounts}
    errs, names = Errors(), set()
    for i, workspace in enumerate(ts.workspaces):
        if workspace.name in names:
            errs = errs.also(error(f"workspace name {go_quote(workspace.name)} must be unique", "name").via_index(i))
        names.add(workspace.name)
        path = posixpath.normpath(workspace.mount_path or f"/workspace/{workspace.name}")
        if path in mounts:
            errs = errs.also(error(f"workspace mount path {go_quote(path)} must be unique", "mountpath").via_index(i))
        mounts.add(path)
    return errs


def _workspace_usages(ts: tekton.TaskSpec) -> Errors:
    declared = {w.name for w in ts.workspaces}
    errs = Errors()
    for i, step in enumerate(ts.steps):
        for j, usage in enumerate(step.workspaces):
            if usage.name not in declared:
                errs = errs.also(error(f"undefined workspace {go_quote(usage.name)}", "name")
                                 .via_index(j).via_field("workspaces").via_index(i).via_field("steps"))
    return errs


# -- steps -----------------------------------------------------------------------------------------

def _step_list(steps: list[tekton.Step]) -> Errors:
    errs, names = Errors(), set()
    for i, step in enumerate(steps):
        if step.name:
            if step.name in names:
                errs = errs.also(multiple_one_of("name").via_index(i))
            names.add(step.name)
        errs = errs.also(validate_step(step).via_index(i))
        for j, result in enumerate(step.results):
            errs = errs.also(_step_result(result).via_index(j).via_field("results").via_index(i))
        if step.when:
            from .when import validate_when

            errs = errs.also(validate_when(step.when).via_index(i))
    return errs


def validate_step(step: tekton.Step) -> Errors:
    """Step.Validate."""
    errs = Errors()
    if step.ref is not None:
        errs = errs.also(validate_ref(step.ref.name or "", step.ref.resolver or "", step.ref.params))
        for present, name, what in ((step.image, "image", "image"), (step.command, "command", "command"),
                                    (step.args, "args", "args"), (step.script, "script", "script"),
                                    (step.working_dir, "workingDir", "working dir"), (step.env, "env", "env"),
                                    (step.volume_mounts, "volumeMounts", "volumeMounts"),
                                    (step.results, "results", "results")):
            if present:
                errs = errs.also(error(f"{what} cannot be used with Ref", name))
    else:
        if step.params:
            errs = errs.also(error("params cannot be used without Ref", "params"))
        if not step.image:
            errs = errs.also(missing_field("Image"))
        if step.script and step.command:
            errs = errs.also(error("script cannot be used with command", "script"))
    if step.name and not is_dns_label(step.name):
        errs = errs.also(error(f"invalid value {go_quote(step.name)}", "name", details=(
            f"Task step name must be a valid DNS Label, For more info refer to {NAMES_URL}")))
    if step.timeout is not None:
        try:
            timeout = duration.parse(step.timeout)
        except duration.DurationError as e:
            return error(str(e), "timeout")
        if timeout < 0:  # Tekton returns this error alone
            return invalid_value(duration.format_go(timeout), "negative timeout")
    for j, mount in enumerate(step.volume_mounts):
        path = posixpath.normpath(mount.mount_path)
        if path.startswith("/tekton/") and not path.startswith("/tekton/home"):
            errs = errs.also(error(f"volumeMount cannot be mounted under /tekton/ (volumeMount "
                                   f"{go_quote(mount.name)} mounted at {go_quote(mount.mount_path)})",
                                   "mountPath").via_field_index("volumeMounts", j))
        if mount.name.startswith("tekton-internal-"):
            errs = errs.also(error(f'volumeMount name {go_quote(mount.name)} cannot start with "tekton-internal-"',
                                   "name").via_field_index("volumeMounts", j))
    if step.on_error and not step.on_error.startswith("$(params") and step.on_error not in ("continue",
                                                                                            "stopAndFail"):
        errs = errs.also(error(f'invalid value: "{step.on_error}"', "onError",
                               details='Task step onError must be either "continue" or "stopAndFail"'))
    for name, value in (("name", step.name), ("image", step.image), ("script", step.script),
                        ("imagePullPolicy", step.image_pull_policy), ("workingDir", step.working_dir)):
        if value and _STEP_RESULT_USE.search(value):
            errs = errs.also(error("stepResult substitutions are only allowed in env, command and args. "
                                   "Found usage in", name))
    return errs


def _sidecars(sidecars: list[tekton.Sidecar]) -> Errors:
    errs = Errors()
    for sidecar in sidecars:  # Tekton reports these without the sidecar's index
        if sidecar.name == RESERVED_SIDECAR:
            errs = errs.also(error(f"Invalid: cannot use reserved sidecar name {sidecar.name} ", "name"))
        if not sidecar.image:
            errs = errs.also(missing_field("image"))
        if sidecar.script and sidecar.command:
            errs = errs.also(error("script cannot be used with command", "script"))
    return errs


def step_texts(step: tekton.Step) -> Iterator[tuple[str, str, bool]]:
    """(path, text, is-list-item) of every step field where Tekton substitutes variables."""
    for name, value in (("name", step.name), ("image", step.image), ("workingDir", step.working_dir),
                        ("script", step.script)):
        yield name, value or "", False
    for name, values in (("command", step.command), ("args", step.args)):
        for i, value in enumerate(values):
            yield f"{name}[{i}]", value, True
    for env in step.env:
        yield f"env[{env.name}]", env.value or "", False
    for i, mount in enumerate(step.volume_mounts):
        for name, value in (("name", mount.name), ("mountPath", mount.mount_path), ("subPath", mount.sub_path)):
            yield f"volumeMounts[{i}].{name}", value or "", False


def validate_variables(steps: list[tekton.Step], prefix: str, known: set[str]) -> Errors:
    """Every `$(<prefix>.x)` in the steps names a known x (validateVariables)."""
    errs = Errors()
    for i, step in enumerate(steps):
        texts = [*step_texts(step), ("onError", step.on_error or "", False)]
        for path, text, _ in texts:
            errs = errs.also(unknown_variables(text, prefix, known).via_field(path).via_field_index("steps", i))
    return errs


# -- params ----------------------------------------------------------------------------------------

def parameter_types(params: list[tekton.ParamSpec]) -> Errors:
    """ParamSpec.ValidateType for each param (types already defaulted)."""
    errs = Errors()
    for p in params:
        if p.type not in PARAM_TYPES:
            errs = errs.also(invalid_value(p.type or "", f"{p.name}.type"))
        elif p.default is not None and value_type(p.default) != p.type:
            errs = errs.also(error(f'"{p.type}" type does not match default value\'s type: "{value_type(p.default)}"',
                                   f"{p.name}.type", f"{p.name}.default.type"))
        else:
            bad = sorted(k for k, prop in p.properties.items() if prop.type != "string")
            if bad:
                errs = errs.also(error(f"The value type specified for these keys [{' '.join(bad)}] is invalid",
                                       f"{p.name}.properties"))
    return errs


def no_duplicate_names(params: list[tekton.ParamSpec]) -> Errors:
    errs, seen = Errors(), set()
    for p in params:
        if p.name in seen:
            errs = errs.also(error("parameter appears more than once", "").via_field_key("params", p.name))
        seen.add(p.name)
    return errs


def param_enums(params: list[tekton.ParamSpec]) -> Errors:
    """The enum checks that do not depend on the feature flag (which tekflow does not judge)."""
    errs = Errors()
    for p in params:
        if not p.enum:
            continue
        if p.type != "string":
            errs = errs.also(error("enum can only be set with string type param", "").via_key(p.name))
        seen = set()
        for value in p.enum:
            if value in seen:
                errs = errs.also(error(f"parameter enum value {value} appears more than once", "").via_key(p.name))
            seen.add(value)
        if isinstance(p.default, str) and p.default and p.default not in p.enum:
            errs = errs.also(error(f"param default value {p.default} not in the enum list", "").via_key(p.name))
    return errs


def parameter_variables(steps: list[tekton.Step], params: list[tekton.ParamSpec]) -> Errors:
    """ValidateParameterVariables: unique names, name format, arrays used whole and isolated."""
    errs = no_duplicate_names(params).also(param_enums(params).via_field("params"))
    plain = sorted({p.name for p in params if p.type != "object"})
    bad = [name for name in plain if not PARAM_NAME.match(name)]
    if bad:
        errs = errs.also(error(
            f"The format of following array and string variable names is invalid: [{' '.join(bad)}]", "params",
            details="String/Array Names: \nMust only contain alphanumeric characters, hyphens (-), underscores (_), "
                    "and dots (.)\nMust begin with a letter or an underscore (_)"))
    bad_objects: dict[str, list[str]] = {}
    for p in params:
        if p.type != "object":
            continue
        if not OBJECT_PARAM_NAME.match(p.name):
            bad_objects.setdefault(p.name, [])
        for key in p.properties:
            if not OBJECT_PARAM_NAME.match(key):
                bad_objects.setdefault(p.name, []).append(key)
    if bad_objects:
        shown = " ".join(f"{name}:[{' '.join(keys)}]" for name, keys in sorted(bad_objects.items()))
        errs = errs.also(error(f"Object param name and key name format is invalid: map[{shown}]", "params",
                               details="Object Names: \nMust only contain alphanumeric characters, hyphens (-), "
                                       "underscores (_) \nMust begin with a letter or an underscore (_)"))
    arrays = {p.name for p in params if p.type == "array"}
    for i, step in enumerate(steps):
        for path, text, in_list in step_texts(step):
            check = isolated_reference if in_list else prohibited_variables
            errs = errs.also(check(text, "params", arrays).via_field(path).via_field_index("steps", i))
    return errs


def usage_of_declared_parameters(steps: list[tekton.Step], params: list[tekton.ParamSpec]) -> Errors:
    """ValidateUsageOfDeclaredParameters: every `$(params.x)` of the steps is declared, object keys too."""
    errs = validate_variables(steps, "params", {p.name for p in params})
    objects = [p for p in params if p.type == "object"]
    for p in objects:
        errs = errs.also(validate_variables(steps, "params\\." + re.escape(p.name), set(p.properties)))
    names = {p.name for p in objects}
    for i, step in enumerate(steps):
        for path, text, _ in step_texts(step):
            errs = errs.also(entire_prohibited_variables(text, "params", names).via_field(path)
                             .via_field_index("steps", i))
    for p in objects:
        if not p.properties:
            errs = errs.also(missing_field(f"{p.name}.properties"))
    return errs


def _context_variables(steps: list[tekton.Step]) -> Errors:
    return (validate_variables(steps, "context\\.taskRun", {"name", "namespace", "uid"})
            .also(validate_variables(steps, "context\\.task", {"name", "retry-count"})))


def _result_variables(steps: list[tekton.Step], results: list[tekton.TaskResult]) -> Errors:
    names = {r.name for r in results}
    errs = Errors()
    for i, step in enumerate(steps):
        errs = errs.also(unknown_variables(step.script or "", "results", names).via_field("script")
                         .via_field_index("steps", i))
    return errs


# -- results ---------------------------------------------------------------------------------------

def _bad_result_name(name: str) -> Errors:
    return error(f"invalid key name {go_quote(name)}", "name", details=(
        "Name must consist of alphanumeric characters, '-', '_', and must start and end with an alphanumeric "
        "character (e.g. 'MyName',  or 'my-name',  or 'my_name', regex used for validation is "
        f"'{RESULT_NAME_FORMAT}')"))


def _task_result(result: tekton.TaskResult) -> Errors:
    if not RESULT_NAME.match(result.name):
        return _bad_result_name(result.name)
    errs = Errors()
    if result.type == "object":
        errs = errs.also(_object_properties(result.name, result.properties, ", the type must be string"))
    elif result.type not in ("array", "", None, "string"):
        errs = errs.also(invalid_value(result.type, "type", details="type must be string"))
    return errs.also(_result_value(result))


def _step_result(result: tekton.StepResult) -> Errors:
    if not RESULT_NAME.match(result.name):
        return _bad_result_name(result.name)
    if result.type == "object":
        return _object_properties(result.name, result.properties, ", the type must be string", lower=True)
    if result.type not in ("array", "", None, "string"):
        return invalid_value(result.type, "type", details=f"invalid type {result.type}")
    return Errors()


def _object_properties(name: str, properties: dict, suffix: str, lower: bool = False) -> Errors:
    if not properties:
        return missing_field(f"{name}.properties")
    bad = [k for k, prop in properties.items() if (prop.type or "string") != "string"]
    if bad:
        head = "the" if lower else "The"
        return error(f"{head} value type specified for these keys [{' '.join(bad)}] is invalid{suffix}",
                     f"{name}.properties")
    return Errors()


def _result_value(result: tekton.TaskResult) -> Errors:
    value: Optional[tekton.ParamValue] = result.value
    if value is None:
        return Errors()
    if not isinstance(value, str):
        return error(f'Invalid Type. Wanted string but got: "{value_type(value)}"', f"{result.name}.type")
    if not value:
        return Errors()
    m = _STEP_RESULT_VALUE.search(value)
    if m is None:
        return error("Could not extract step name and result name. Expected value to look like "
                     f'$(steps.<stepName>.results.<resultName>) but got "{value}"', f"{result.name}.value")
    errs = Errors()
    if not is_dns_label(m.group(1)):
        errs = errs.also(error(f"invalid extracted step name {go_quote(m.group(1))}", f"{result.name}.value",
                               details="stepName in $(steps.<stepName>.results.<resultName>) must be a valid DNS "
                                       f"Label, For more info refer to {NAMES_URL}"))
    if not RESULT_NAME.match(m.group(2)):
        errs = errs.also(error(f"invalid extracted result name {go_quote(m.group(2))}", f"{result.name}.value"))
    return errs
