"""Load KFP IR (PipelineSpec + PlatformSpec) from a pipeline object, a Python file or an IR file."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from google.protobuf import json_format
from kfp.pipeline_spec import pipeline_spec_pb2 as pb

from tekflow.errors import TekflowError

from . import ir_references
from .documents import load_all
from .ir_fields import mismatch, unrepresentable_number

PYTHON_SUFFIXES = (".py",)
IR_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class PipelineIR:
    """One KFP pipeline in IR form, as the compiler consumes it."""

    spec: pb.PipelineSpec
    platform: pb.PlatformSpec = field(default_factory=pb.PlatformSpec)
    source: str = "<object>"

    @property
    def name(self) -> str:
        return self.spec.pipeline_info.name


def _is_component(obj: Any) -> bool:
    if "kfp.dsl" not in sys.modules:  # nothing can be a kfp component before kfp.dsl is loaded
        return False
    from kfp.dsl import base_component

    return isinstance(obj, base_component.BaseComponent)


def from_component(component: Any, source: str = "<object>") -> PipelineIR:
    spec = pb.PipelineSpec()
    spec.CopyFrom(component.pipeline_spec)
    platform = pb.PlatformSpec()
    if getattr(component, "platform_spec", None) is not None:
        platform.CopyFrom(component.platform_spec)
    return PipelineIR(spec=spec, platform=platform, source=source)


def load(source: Any, pipeline_name: str | None = None) -> PipelineIR:
    """Load IR from a kfp component/pipeline object, a .py file or a KFP IR file (YAML/JSON)."""
    if _is_component(source):
        return from_component(source)
    if callable(source) and not isinstance(source, (str, os.PathLike)):
        raise TekflowError(
            f"{getattr(source, '__name__', source)!r} is a plain function, not a KFP pipeline: "
            "decorate it with @dsl.pipeline (or @dsl.component)"
        )
    if not isinstance(source, (str, os.PathLike)):
        raise TekflowError(f"cannot compile {source!r} (a {type(source).__name__}): give a @dsl.pipeline (or @dsl.component) "
                           "object, a pipeline .py file or a KFP IR .yaml/.json file")
    path = Path(source)
    if not path.exists():
        raise TekflowError(f"{path}: no such file (give a pipeline .py file or a KFP IR .yaml/.json file)")
    if path.is_dir():
        raise TekflowError(f"{path}: is a directory (give a pipeline .py file or a KFP IR .yaml/.json file)")
    if path.suffix in PYTHON_SUFFIXES:
        return load_python_file(path, pipeline_name)
    if path.suffix in IR_SUFFIXES:
        if pipeline_name is not None:
            raise TekflowError(f"{path}: --pipeline {pipeline_name!r} chooses among the pipelines of a .py file; "
                               "an IR file holds one pipeline: leave --pipeline out")
        return load_ir_file(path)
    raise TekflowError(f"{path}: unknown file type {path.suffix!r} (expected .py, .yaml, .yml or .json)")


def load_python_file(path: Path, pipeline_name: str | None = None) -> PipelineIR:
    pipelines = pipelines_in_file(path)
    if not pipelines:
        raise TekflowError(f"{path}: no @dsl.pipeline found in this file")
    if pipeline_name is not None:
        chosen = [c for attr, c in pipelines.items() if pipeline_name in (attr, _pipeline_name(c))]
        if not chosen:
            raise TekflowError(
                f"{path}: no pipeline named {pipeline_name!r}; pipelines in this file: {_names(pipelines)}"
            )
        component = chosen[0]
    elif len(_outermost(pipelines)) == 1:
        (component,) = _outermost(pipelines).values()
    elif len(pipelines) > 1:
        raise TekflowError(
            f"{path}: {len(pipelines)} pipelines in this file ({_names(pipelines)}); choose one with --pipeline NAME"
        )
    else:
        (component,) = pipelines.values()
    return from_component(component, source=str(path))


def _outermost(pipelines: dict[str, Any]) -> dict[str, Any]:
    """The pipelines of a file that no other pipeline of the file uses as a component."""
    used = set()
    for component in pipelines.values():
        for key, spec in component.pipeline_spec.components.items():
            if spec.WhichOneof("implementation") == "dag":
                used.add(key)
    return {
        attr: c for attr, c in pipelines.items()
        if not any(key == f"comp-{_pipeline_name(c)}" or key.startswith(f"comp-{_pipeline_name(c)}-") for key in used)
    }


def _pipeline_name(component: Any) -> str:
    return component.pipeline_spec.pipeline_info.name


def _names(pipelines: dict[str, Any]) -> str:
    return ", ".join(sorted(pipelines))


def pipelines_in_file(path: Path) -> dict[str, Any]:
    """Import a user's Python file and return its @dsl.pipeline objects by attribute name."""
    from kfp.dsl import graph_component

    module_name = f"tekflow_user_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise TekflowError(f"{path}: cannot be imported as Python")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent.resolve()))
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        raise TekflowError(_syntax_error(e, path)) from None
    except SystemExit as e:
        raise TekflowError(f"{path}: the file called exit({e.code}) while being imported") from None
    except TekflowError as e:  # a tekflow check refused a value (a hint's argument): its message says which
        raise TekflowError(f"{path}:{_user_line(e, path)}: {e}") from None
    except Exception as e:  # the user's module raised while building the pipeline
        raise TekflowError(f"{path}:{_user_line(e, path)}: {type(e).__name__}: {e}") from None
    finally:
        sys.path.remove(str(path.parent.resolve()))
    return {
        attr: value
        for attr, value in vars(module).items()
        if isinstance(value, graph_component.GraphComponent)
    }


def _syntax_error(error: SyntaxError, path: Path) -> str:
    where = f"{error.filename or path}:{error.lineno}" if error.lineno else str(path)
    if "null bytes" in error.msg:  # a binary file with a .py name
        return f"{where}: not Python source text ({error.msg})"
    if "unicode error" in error.msg:
        return (f"{where}: not UTF-8 text ({error.msg}); save it as UTF-8 or declare its encoding in a "
                "'# -*- coding: NAME -*-' line")
    return f"{where}: syntax error: {error.msg}"


def _user_line(error: BaseException, path: Path) -> str:
    """Line of the user's file where an import-time error surfaced (the deepest frame in it)."""
    line = "?"
    for frame in traceback.extract_tb(error.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = str(frame.lineno)
    return line


def load_ir_file(path: Path) -> PipelineIR:
    documents = load_all(path)
    if not documents or not isinstance(documents[0], dict):
        raise TekflowError(f"{path}: not a KFP IR file (expected a PipelineSpec mapping)")
    head = documents[0]
    if head.get("kind") in ("PipelineRun", "Pipeline", "Task"):
        raise TekflowError(f"{path}: this is a Tekton {head['kind']}, not KFP IR; it is already compiled")
    where = ""  # the path of the PipelineSpec in the file, for messages
    if isinstance(head.get("pipelineSpec"), dict) and "root" not in head:  # a PipelineJob wrapper
        head, where = head["pipelineSpec"], "pipelineSpec"
    if "root" not in head or "pipelineInfo" not in head:
        raise TekflowError(
            f"{path}: not a KFP IR file (no 'pipelineInfo'/'root'); write one with kfp.compiler.Compiler().compile(...)"
        )
    spec = _parse_message(pb.PipelineSpec(), head, path, where)
    # deploymentSpec is a Struct in PipelineSpec; lowering reads it as this message (unknown fields ignored)
    deployment = _parse_message(pb.PipelineDeploymentConfig(), head.get("deploymentSpec") or {}, path,
                                f"{where}.deploymentSpec" if where else "deploymentSpec", ignore_unknown=True)
    platform = pb.PlatformSpec()
    for extra in documents[1:]:
        if isinstance(extra, dict) and "platforms" in extra:
            platform = _parse_message(pb.PlatformSpec(), extra, path)
            _check_kubernetes_settings(extra, path)
    ir_references.check(spec, deployment.executors, str(path))
    return PipelineIR(spec=spec, platform=platform, source=str(path))


def _check_kubernetes_settings(platform_spec: dict, path: Path) -> None:
    """kfp-kubernetes keeps each task's settings in a Struct; their types are its message's."""
    try:
        from kfp.kubernetes.kubernetes_executor_config_pb2 import KubernetesExecutorConfig
    except ImportError:  # kfp-kubernetes not installed: its settings are read as they are
        return
    where = "platforms.kubernetes.deploymentSpec.executors"
    executors = ((platform_spec["platforms"].get("kubernetes") or {}).get("deploymentSpec") or {}).get("executors")
    for label, config in (executors or {}).items():
        _parse_message(KubernetesExecutorConfig(), config, path, f"{where}.{label}", ignore_unknown=True)


def _parse_message(message: Any, data: Any, path: Path, where: str = "", ignore_unknown: bool = False) -> Any:
    """`data` as `message`; a value of the wrong type is one error naming its path and the type it needs."""
    # through JSON: YAML-only values (dates, sets) become text, as protobuf reads JSON
    plain = json.loads(json.dumps(data, default=str))
    # first our own walk: protobuf reads some wrong shapes without a word (a string for a message
    # whose unknown fields are ignored) and names others in its C++ API's terms
    problem = unrepresentable_number(plain, where) or mismatch(message.DESCRIPTOR, plain, where, ignore_unknown)
    if problem:
        raise TekflowError(f"{path}: invalid KFP IR: {problem}")
    try:
        return json_format.ParseDict(plain, message, ignore_unknown_fields=ignore_unknown)
    except json_format.ParseError as e:
        raise TekflowError(f"{path}: invalid KFP IR: {str(e).splitlines()[0]}") from None
