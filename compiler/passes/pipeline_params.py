"""Pipeline inputs -> Tekton pipeline params; user-given values -> PipelineRun params."""

from __future__ import annotations

from tekflow.errors import NotSupportedError, TekflowError
from tekflow.runtime.values import size_problem

from .. import tekton
from ..context import Lowering, struct_to_python
from ..names import param_name
from ..parameters import coerce, encode, parse_text, type_name
from ..reusable import DeclaredParameter, missing_values_error


def run(ctx: Lowering) -> None:
    inputs = ctx.spec.root.input_definitions
    if inputs.artifacts:
        names = ", ".join(sorted(inputs.artifacts))
        raise NotSupportedError(f"not supported yet: artifact inputs of the pipeline itself ({names})")
    declared = inputs.parameters
    required = []  # no default and not optional: the run must give a value
    for name in sorted(declared):
        spec = declared[name]
        kfp_type = type_name(spec.parameter_type)
        param = tekton.ParamSpec(name=param_name(name), type="string", description=spec.description or None)
        if spec.HasField("default_value"):
            default = _sized(name, coerce(name, struct_to_python(spec.default_value), kfp_type), "default")
            param.default = encode(default, kfp_type)
        elif spec.is_optional:
            param.default = ""  # optional with no default: empty means absent
        else:
            required.append(name)
        ctx.pipeline.params.append(param)

    for name in sorted(ctx.options.parameters):
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise TekflowError(f"unknown parameter {name!r}; the pipeline's parameters are: {known}")
        kfp_type = type_name(declared[name].parameter_type)
        value = ctx.options.parameters[name]
        value = parse_text(name, value, kfp_type) if isinstance(value, str) and kfp_type != "STRING" else value
        value = _sized(name, coerce(name, value, kfp_type), "value")
        ctx.run_params.append(tekton.Param(name=param_name(name), value=encode(value, kfp_type)))
    missing = [name for name in required if name not in ctx.options.parameters]
    if missing and ctx.options.document_kind == "pipelinerun":  # a Pipeline's runs give them
        # a PipelineRun without them fails at once on Tekton (ParameterMissing)
        raise missing_values_error([(name, type_name(declared[name].parameter_type)) for name in missing])
    ctx.declared_parameters = [  # required: a run must give it (a Pipeline takes -p values as its defaults)
        DeclaredParameter(name, param_name(name), type_name(declared[name].parameter_type), name in missing)
        for name in sorted(declared)]


def _sized(name: str, value: object, what: str) -> object:
    """Refused before anything runs: a value reaches each task's processes as one argument."""
    problem = size_problem(value)
    if problem:
        raise TekflowError(f"parameter {name!r}: its {what} {problem}; pass larger data as an artifact "
                           "(docs/limits.md)")
    return value
