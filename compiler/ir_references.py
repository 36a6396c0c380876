"""Names one part of a KFP IR file gives to another: each must name something that exists.

kfp's compiler always writes them consistently; an IR file edited by hand or made by another
tool may not, and the lowering passes index by these names. Checked once, when the file is
loaded, so that a dangling name is one message naming the place and what exists there.
"""

from __future__ import annotations

from typing import Iterable

from kfp.pipeline_spec import pipeline_spec_pb2 as pb

from tekflow.errors import TekflowError


def check(spec: pb.PipelineSpec, executors: Iterable[str], source: str) -> None:
    """Raise TekflowError at the first name in `spec` that names nothing."""
    executor_labels = set(executors)
    for name, component in sorted(spec.components.items()):
        if component.WhichOneof("implementation") == "executor_label" \
                and component.executor_label not in executor_labels:
            raise TekflowError(f"{source}: component {name!r}: executorLabel {component.executor_label!r} names no "
                               f"executor in deploymentSpec.executors (found: {_listed(executor_labels)})")
    _check_dag(spec, spec.root, "the pipeline", source)
    for name, component in sorted(spec.components.items()):
        if component.HasField("dag"):
            _check_dag(spec, component, f"component {name!r}", source)


def _check_dag(spec: pb.PipelineSpec, owner: pb.ComponentSpec, where: str, source: str) -> None:
    tasks = owner.dag.tasks
    for name, task in sorted(tasks.items()):  # first, as the checks below look producers' components up
        if task.component_ref.name not in spec.components:
            raise TekflowError(f"{source}: {where}, task {name!r}: componentRef {task.component_ref.name!r} names "
                               f"no component (found: {_listed(spec.components)})")
    for name, task in sorted(tasks.items()):
        at = f"{source}: {where}, task {name!r}"
        for dependency in task.dependent_tasks:
            _task(tasks, dependency, f"{at}: dependentTasks names")
        for input_name, parameter in sorted(task.inputs.parameters.items()):
            if parameter.HasField("task_output_parameter"):
                ref = parameter.task_output_parameter
                _output(spec, tasks, ref.producer_task, ref.output_parameter_key, "parameters",
                        f"{at}: input {input_name!r}")
            elif parameter.HasField("component_input_parameter"):
                _input(owner, parameter.component_input_parameter, where, f"{at}: input {input_name!r}")
        for input_name, artifact in sorted(task.inputs.artifacts.items()):
            if artifact.HasField("task_output_artifact"):
                ref = artifact.task_output_artifact
                _output(spec, tasks, ref.producer_task, ref.output_artifact_key, "artifacts",
                        f"{at}: input {input_name!r}")
            elif artifact.HasField("component_input_artifact"):
                _input(owner, artifact.component_input_artifact, where, f"{at}: input {input_name!r}")
    outputs = owner.dag.outputs
    for output_name, spec_parameter in sorted(outputs.parameters.items()):
        selectors = [spec_parameter.value_from_parameter] if spec_parameter.HasField("value_from_parameter") \
            else list(spec_parameter.value_from_oneof.parameter_selectors)
        for selector in selectors:
            _output(spec, tasks, selector.producer_subtask, selector.output_parameter_key, "parameters",
                    f"{source}: {where}, output {output_name!r}")
    for output_name, spec_artifact in sorted(outputs.artifacts.items()):
        for selector in spec_artifact.artifact_selectors:
            _output(spec, tasks, selector.producer_subtask, selector.output_artifact_key, "artifacts",
                    f"{source}: {where}, output {output_name!r}")


def _task(tasks: dict, name: str, reference: str) -> pb.PipelineTaskSpec:
    if name not in tasks:
        raise TekflowError(f"{reference} task {name!r}, which is not in the same DAG (tasks there: {_listed(tasks)})")
    return tasks[name]


def _output(spec: pb.PipelineSpec, tasks: dict, producer: str, output: str, kind: str, at: str) -> None:
    task = _task(tasks, producer, f"{at} comes from")
    declared = getattr(spec.components[task.component_ref.name].output_definitions, kind)
    if output not in declared:
        singular = kind[:-1]
        raise TekflowError(f"{at} takes output {singular} {output!r} of task {producer!r}, which has no such output "
                           f"(its output {kind}: {_listed(declared)})")


def _input(owner: pb.ComponentSpec, name: str, where: str, at: str) -> None:
    declared = [*owner.input_definitions.parameters, *owner.input_definitions.artifacts]
    if name not in declared:
        raise TekflowError(f"{at} takes input {name!r} of {where}, which declares no such input "
                           f"(its inputs: {_listed(declared)})")


def _listed(names: Iterable[str]) -> str:
    names = sorted(names)
    shown = ", ".join(names[:20]) + (f", … ({len(names)} in all)" if len(names) > 20 else "")
    return shown or "none"
