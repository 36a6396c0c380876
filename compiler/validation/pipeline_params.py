"""How PipelineTasks use pipeline params (Tekton's validatePipelineTaskParameterUsage and the
string/array/object variable checks of param_types.go)."""

from __future__ import annotations

import re

from tekflow.compiler import tekton

from .field_errors import Errors, error
from .substitution import (entire_prohibited_variables, isolated_reference, prohibited_variables, unknown_variables,
                           whole_reference)


class ParamNames:
    """The declared params as the variable checks see them: all names, arrays, object keys."""

    def __init__(self, params: list[tekton.ParamSpec]) -> None:
        self.all = {p.name for p in params}
        self.arrays = {p.name for p in params if p.type == "array"}
        self.object_keys = {p.name: set(p.properties) for p in params if p.type == "object"}


def string_variable(value: str, names: ParamNames) -> Errors:
    """A string field may use string params and single keys of object params."""
    return (unknown_variables(value, "params", names.all).also(_object_variable(value, names))
            .also(prohibited_variables(value, "params", names.arrays)))


def array_variable(value: str, names: ParamNames) -> Errors:
    """An array item may also be a whole array param, standing alone."""
    return (unknown_variables(value, "params", names.all).also(_object_variable(value, names))
            .also(isolated_reference(value, "params", names.arrays)))


def _object_variable(value: str, names: ParamNames) -> Errors:
    errs = Errors()
    for name, keys in names.object_keys.items():
        errs = errs.also(unknown_variables(value, "params\\." + re.escape(name), keys))
    return errs.also(entire_prohibited_variables(value, "params", set(names.object_keys)))


def duplicate_params(params: list[tekton.Param]) -> Errors:
    errs, seen = Errors(), set()
    for i, param in enumerate(params):
        if param.name in seen:
            errs = errs.also(error(f'parameter names must be unique, the parameter "{param.name}" is also defined at',
                                   f"[{i}].name"))
        seen.add(param.name)
    return errs


def task_parameter_usage(tasks: list[tekton.PipelineTask], params: list[tekton.ParamSpec]) -> Errors:
    """Every `$(params.x)` in the tasks' params, matrix and when expressions names a pipeline param of
    a type that fits where it is used. Paths are relative to the task list."""
    names = ParamNames(params)
    errs = Errors()
    for i, task in enumerate(tasks):
        errs = errs.also(_in_params(task.params, names).via_index(i))
        if task.matrix is not None and (task.matrix.params or task.matrix.include):
            errs = errs.also(_in_matrix(task.matrix, names).via_index(i))
        errs = errs.also(_in_when(task.when, names).via_index(i))
    return errs


def _in_params(params: list[tekton.Param], names: ParamNames) -> Errors:
    errs = duplicate_params(params).via_field("params")
    for param in params:
        value = param.value
        if isinstance(value, list):
            for j, item in enumerate(value):
                errs = errs.also(array_variable(item, names).via_field_index("value", j)
                                 .via_field_key("params", param.name))
        elif isinstance(value, dict):
            for key, item in value.items():
                errs = errs.also(string_variable(item, names).via_field_key("properties", key)
                                 .via_field_key("params", param.name))
        elif whole_reference(value, "params"):  # `$(params.a[*])`: only whether `a` exists
            errs = errs.also(unknown_variables(value, "params", names.all).via_field_key("params", param.name))
        else:
            errs = errs.also(string_variable(value, names).via_field_key("params", param.name))
    return errs


def _in_matrix(matrix: tekton.Matrix, names: ParamNames) -> Errors:
    errs = Errors()
    for i, include in enumerate(matrix.include):
        for j, param in enumerate(include.params):
            text = param.value if isinstance(param.value, str) else ""
            errs = errs.also(string_variable(text, names).via_field_index("params", j)
                             .via_field_index("matrix.include", i))
    for param in matrix.params:
        for j, item in enumerate(param.value if isinstance(param.value, list) else []):
            errs = errs.also(array_variable(item, names).via_field_index("value", j)
                             .via_field_key("matrix.params", param.name))
    return errs


def _in_when(expressions: list[tekton.WhenExpression], names: ParamNames) -> Errors:
    errs = Errors()
    for i, when in enumerate(expressions):
        errs = errs.also(string_variable(when.input or "", names).via_field("input").via_field_index("when", i))
        for value in when.values:
            whole = value.removeprefix("$(params.").removesuffix("[*])")
            check = array_variable if whole in names.arrays else string_variable
            errs = errs.also(check(value, names).via_field("values").via_field_index("when", i))
    return errs
