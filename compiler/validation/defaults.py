"""The parts of Tekton's SetDefaults that validation depends on, applied to a copy of a document.

Tekton validates after defaulting: a param's type is inferred from its default or properties,
a result's type is `string` unless it has properties, and a PipelineRun without
`timeouts.pipeline` gets the cluster default (60 minutes).
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from tekflow.compiler import tekton

DEFAULT_PIPELINE_TIMEOUT = "1h"  # Tekton's default-timeout-minutes: 60

T = TypeVar("T")


def with_defaults(document: T) -> T:
    document = copy.deepcopy(document)
    if isinstance(document, tekton.PipelineRun):
        spec = document.spec
        spec.timeouts = spec.timeouts or tekton.TimeoutFields()
        if spec.timeouts.pipeline is None:
            spec.timeouts.pipeline = DEFAULT_PIPELINE_TIMEOUT
        if spec.pipeline_spec is not None:
            _pipeline_spec(spec.pipeline_spec)
    elif isinstance(document, tekton.Pipeline):
        _pipeline_spec(document.spec)
    elif isinstance(document, tekton.Task):
        _task_spec(document.spec)
    return document


def _pipeline_spec(spec: tekton.PipelineSpec) -> None:
    for param in spec.params:
        _param(param)
    for task in [*spec.tasks, *spec.finally_]:
        if task.task_spec is not None:
            _task_spec(task.task_spec)
        if task.pipeline_spec is not None:
            _pipeline_spec(task.pipeline_spec)


def _task_spec(spec: tekton.TaskSpec) -> None:
    for param in spec.params:
        _param(param)
    for result in spec.results:
        _result(result)
    for step in spec.steps:
        for result in step.results:
            _result(result)


def _param(param: tekton.ParamSpec) -> None:
    if not param.type:
        param.type = ("object" if param.properties else "string" if param.default is None
                      else _value_type(param.default))
    _properties(param.properties)


def _result(result: Any) -> None:
    if not result.type:
        result.type = "object" if result.properties else "string"
    _properties(result.properties)


def _properties(properties: dict[str, tekton.PropertySpec]) -> None:
    for name, prop in properties.items():
        if not prop.type:
            properties[name] = tekton.PropertySpec(type="string")


def _value_type(value: tekton.ParamValue) -> str:
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "string"
