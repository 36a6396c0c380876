"""Flatten the IR's DAG tree into the container tasks that become Tekton PipelineTasks.

Sub-DAGs (nested pipelines; later conditions, loops, exit handlers) disappear: every task
gets a qualified key (``("outer", "inner", "train")``) and every input is resolved through
the DAG boundaries to where its value really comes from: a pipeline parameter, a constant,
or an output of another container task.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Optional

from google.protobuf import json_format

from kfp.pipeline_spec import pipeline_spec_pb2 as pb

from tekflow.errors import NotSupportedError, TekflowError

from .. import conditions
from ..parameters import type_name
from ..context import (Absent, Constant, FinalStatus, Guard, Loop, LoopItem, OneOf, Imported, Lowering, PipelineParam, Source, TaskArtifact, TaskNode, TaskOutput,
                       struct_to_python)

Key = tuple[str, ...]


def run(ctx: Lowering) -> None:
    walker = _Walker(ctx)
    root_scope: dict[str, Source] = {name: PipelineParam(name) for name in ctx.spec.root.input_definitions.parameters}
    walker.walk(ctx.spec.root, (), root_scope, {}, frozenset(), (), ())
    for node in walker.nodes:
        node.loops = tuple(dataclasses.replace(loop, items=walker.resolve(loop.items, node)) for loop in node.loops)
        node.guards = tuple(
            Guard(g.comparison, tuple((n, walker.resolve(s, node), t) for n, s, t in g.inputs), g.group)
            for g in node.guards
        )
        node.param_sources = {n: walker.resolve(s, node) for n, s in node.param_sources.items()}
        node.artifact_sources = {n: walker.resolve(s, node) for n, s in node.artifact_sources.items()}
        node.upstream = frozenset(k for dep in node.upstream for k in walker.leaves(dep))
        ctx.nodes[node.key] = node
    ctx.root_outputs = {
        name: walker.resolve(source, None) for name, source in walker.dag_outputs.get((), {}).items()
    }
    if not ctx.nodes:
        raise NotSupportedError(f"pipeline {ctx.ir.name!r} has no tasks")


_SELECTOR = re.compile(r'parseJson\(string_value\)((?:\["[^"\]]*"\])+)$')


def _select(source: Source, selector: str, name: str, where: str) -> Source:
    """`item.a.b` of a loop item: kfp writes parseJson(string_value)["a"]["b"]."""
    m = _SELECTOR.match(selector.replace(" ", ""))
    if not m:
        raise NotSupportedError(f"not supported yet: parameter selector {selector!r} for {name!r} at {where}")
    path = tuple(re.findall(r'\["([^"\]]*)"\]', m.group(1)))
    if isinstance(source, LoopItem):
        return LoopItem(source.loop, source.path + path)
    if isinstance(source, Constant):
        value = source.value
        for part in path:
            if not isinstance(value, dict) or part not in value:
                raise TekflowError(f"{where}: input {name!r} selects {part!r}, which {value!r} does not have")
            value = value[part]
        return Constant(value)
    raise NotSupportedError(f"not supported yet: parameter selector {selector!r} on {source!r} at {where}")


class _Walker:
    def __init__(self, ctx: Lowering) -> None:
        self.ctx = ctx
        self.nodes: list[TaskNode] = []
        self.dag_outputs: dict[Key, dict[str, Source]] = {}  # DAG task key -> its outputs' sources
        self.children: dict[Key, list[Key]] = {}  # DAG task key -> keys of tasks directly inside
        self.importers: dict[Key, Imported] = {}  # importer tasks: no pod, resolved into consumers
        self.loop_keys: set[Key] = set()  # dsl.ParallelFor groups: their DAG outputs are collected lists

    def walk(self, component: pb.ComponentSpec, prefix: Key, scope: dict[str, Source],
             artifact_scope: dict[str, Source], inherited: frozenset[Key], guards: tuple[Guard, ...],
             loops: tuple[Loop, ...]) -> None:
        dag = component.dag
        self.children[prefix] = [prefix + (name,) for name in sorted(dag.tasks)]
        for name in sorted(dag.tasks):
            task = dag.tasks[name]
            key = prefix + (name,)
            where = f"task {'/'.join(key)!r}"
            child = self.ctx.component(task.component_ref.name)
            params = self._param_inputs(task, prefix, scope, child, where)
            artifacts = self._artifact_inputs(task, prefix, artifact_scope, where)
            upstream = inherited | {prefix + (d,) for d in task.dependent_tasks}
            task_guards = guards
            if task.HasField("trigger_policy") and task.trigger_policy.condition:
                task_guards = guards + self._guards(task, child, params, where)
            task_loops = loops
            if task.WhichOneof("iterator"):
                task_loops = loops + (self._loop(task, key, params, where, len(task_guards)),)
            runs_always = task.trigger_policy.strategy == pb.PipelineTaskSpec.TriggerPolicy.ALL_UPSTREAM_TASKS_COMPLETED
            if child.WhichOneof("implementation") == "dag":
                if runs_always:
                    raise NotSupportedError(f"not supported yet: ignore_upstream_failure on a pipeline used as a component at {where}")
                self._defaults(child, params)
                self.walk(child, key, params, artifacts, frozenset(upstream), task_guards, task_loops)
                continue
            executor = self.ctx.executor(child.executor_label)
            if executor is None:
                raise TekflowError(f"{where}: component {task.component_ref.name!r} has no executor in the IR")
            kind = executor.WhichOneof("spec")
            if kind == "importer":
                self.importers[key] = self._importer(executor.importer, params, where)
                continue
            if kind != "container":
                raise NotSupportedError(f"not supported yet: {kind} executors ({child.executor_label}) at {where}")
            self.nodes.append(TaskNode(key=key, spec=task, component=child, executor=executor,
                                       param_sources=params, artifact_sources=artifacts, upstream=upstream,
                                       guards=task_guards, is_finally=runs_always, loops=task_loops))
        self.dag_outputs.setdefault(prefix, self._outputs_of(component, prefix))

    def _param_inputs(self, task: pb.PipelineTaskSpec, prefix: Key, scope: dict[str, Source],
                      child: pb.ComponentSpec, where: str) -> dict[str, Source]:
        sources: dict[str, Source] = {}
        for name in sorted(task.inputs.parameters):
            spec = task.inputs.parameters[name]
            kind = spec.WhichOneof("kind")
            if kind == "component_input_parameter":
                sources[name] = scope.get(spec.component_input_parameter, Absent())
                if spec.parameter_expression_selector:
                    sources[name] = _select(sources[name], spec.parameter_expression_selector, name, where)
            elif kind == "task_output_parameter":
                out = spec.task_output_parameter
                sources[name] = TaskOutput(prefix + (out.producer_task,), out.output_parameter_key)
            elif spec.parameter_expression_selector:
                raise NotSupportedError(f"not supported yet: parameter selector on {kind} for {name!r} at {where}")
            elif kind == "runtime_value":
                sources[name] = Constant(struct_to_python(spec.runtime_value.constant))
            elif kind == "task_final_status":
                sources[name] = FinalStatus(prefix + (spec.task_final_status.producer_task,))
            else:
                raise NotSupportedError(f"not supported yet: input parameter {name!r} from {kind} at {where}")
        return sources

    def _artifact_inputs(self, task: pb.PipelineTaskSpec, prefix: Key, scope: dict[str, Source],
                         where: str) -> dict[str, Source]:
        sources: dict[str, Source] = {}
        for name in sorted(task.inputs.artifacts):
            spec = task.inputs.artifacts[name]
            kind = spec.WhichOneof("kind")
            if kind == "task_output_artifact":
                out = spec.task_output_artifact
                sources[name] = TaskArtifact(prefix + (out.producer_task,), out.output_artifact_key)
            elif kind == "component_input_artifact":
                if spec.component_input_artifact not in scope:
                    raise NotSupportedError(f"not supported yet: pipeline artifact input {spec.component_input_artifact!r} at {where}")
                sources[name] = scope[spec.component_input_artifact]
            else:
                raise NotSupportedError(f"not supported yet: input artifact {name!r} from {kind} at {where}")
        return sources

    def _loop(self, task: pb.PipelineTaskSpec, key: Key, params: dict[str, Source], where: str,
              guard_depth: int) -> Loop:
        """A dsl.ParallelFor group; its body sees the current item as the iterator's item input."""
        if task.WhichOneof("iterator") != "parameter_iterator":
            raise NotSupportedError(f"not supported yet: loops over artifacts at {where}")
        iterator = task.parameter_iterator
        if iterator.items.WhichOneof("kind") == "raw":
            try:
                items: Source = Constant(json.loads(iterator.items.raw))
            except json.JSONDecodeError:
                raise TekflowError(f"{where}: the loop's items are not a JSON list: {iterator.items.raw!r}") from None
        else:
            items = params.get(iterator.items.input_parameter, Absent())
        if isinstance(items, Absent):
            raise TekflowError(f"{where}: the loop has nothing to iterate over")
        self.loop_keys.add(key)
        params[iterator.item_input] = LoopItem(key)
        return Loop(key, items, task.iterator_policy.parallelism_limit, guard_depth)

    @staticmethod
    def _guards(task: pb.PipelineTaskSpec, child: pb.ComponentSpec, params: dict[str, Source],
                where: str) -> tuple[Guard, ...]:
        """The condition of a dsl.If/Elif/Else group, its inputs resolved in the caller's scope."""
        out = []
        for comparison in conditions.parse(task.trigger_policy.condition):
            inputs = []
            for ref in comparison.refs():
                definition = child.input_definitions.parameters.get(ref.name)
                if definition is None or ref.name not in params:
                    raise TekflowError(f"{where}: the condition uses {ref.name!r}, which is not an input of the group")
                inputs.append((ref.name, params[ref.name], type_name(definition.parameter_type)))
            out.append(Guard(comparison, tuple(inputs), task.task_info.name or where))
        return tuple(out)

    @staticmethod
    def _importer(spec: pb.PipelineDeploymentConfig.ImporterSpec, params: dict[str, Source], where: str) -> Imported:
        kind = spec.artifact_uri.WhichOneof("value")
        if kind == "constant":
            uri: Source = Constant(struct_to_python(spec.artifact_uri.constant))
        elif kind == "runtime_parameter":
            uri = params.get(spec.artifact_uri.runtime_parameter, Absent())
        else:
            raise NotSupportedError(f"not supported yet: importer URI from {kind} at {where}")
        if isinstance(uri, Absent):
            raise TekflowError(f"{where}: the importer has no artifact URI")
        schema = tuple(sorted(json_format.MessageToDict(spec.type_schema).items()))
        metadata = json.dumps(struct_to_python(spec.metadata) if spec.HasField("metadata") else {}, sort_keys=True)
        return Imported(uri=uri, schema=schema, metadata_json=metadata)

    @staticmethod
    def _defaults(child: pb.ComponentSpec, params: dict[str, Source]) -> None:
        """A nested pipeline's own defaults fill inputs its caller left out."""
        for name, definition in child.input_definitions.parameters.items():
            if isinstance(params.get(name, Absent()), Absent) and definition.HasField("default_value"):
                params[name] = Constant(struct_to_python(definition.default_value))

    @staticmethod
    def _outputs_of(component: pb.ComponentSpec, key: Key) -> dict[str, Source]:
        outputs: dict[str, Source] = {}
        dag_outputs = component.dag.outputs
        for name, spec in dag_outputs.parameters.items():
            kind = spec.WhichOneof("kind")
            if kind == "value_from_parameter":
                v = spec.value_from_parameter
                outputs[name] = TaskOutput(key + (v.producer_subtask,), v.output_parameter_key)
            elif kind == "value_from_oneof":
                outputs[name] = OneOf(tuple(TaskOutput(key + (s.producer_subtask,), s.output_parameter_key)
                                            for s in spec.value_from_oneof.parameter_selectors))
            else:
                raise NotSupportedError(f"not supported yet: DAG output {name!r} from {kind}")
        for name, spec in dag_outputs.artifacts.items():
            options = tuple(TaskArtifact(key + (s.producer_subtask,), s.output_artifact_key)
                            for s in spec.artifact_selectors)
            if not options:
                raise TekflowError(f"DAG output artifact {name!r} of {'/'.join(key)!r} has no source")
            outputs[name] = options[0] if len(options) == 1 else OneOf(options)
        return outputs

    def resolve(self, source: Source, node: Optional[TaskNode]) -> Source:
        """Follow outputs of DAG tasks down to the container task that produces them."""
        seen = set()
        if isinstance(source, FinalStatus):
            return FinalStatus(source.group, tuple(self.leaves(source.group)))
        if isinstance(source, TaskArtifact) and source.producer in self.importers:
            imported = self.importers[source.producer]
            return Imported(self.resolve(imported.uri, node), imported.schema, imported.metadata_json)
        while isinstance(source, (TaskOutput, TaskArtifact)) and source.producer in self.dag_outputs:
            if source in seen:
                raise TekflowError(f"output {source.output!r} of {'/'.join(source.producer)!r} refers to itself")
            seen.add(source)
            outputs = self.dag_outputs[source.producer]
            if source.output not in outputs:
                raise TekflowError(f"{'/'.join(source.producer)!r} has no output {source.output!r}")
            collected = source.collected + ((source.producer,) if source.producer in self.loop_keys else ())
            source = outputs[source.output]
            if isinstance(source, (TaskOutput, TaskArtifact)):
                source = dataclasses.replace(source, collected=collected)
            elif collected and isinstance(source, OneOf):
                source = OneOf(tuple(dataclasses.replace(o, collected=collected + o.collected) for o in source.options))
        if isinstance(source, TaskArtifact) and source.producer in self.importers:
            return self.resolve(source, node)
        if isinstance(source, OneOf):
            return OneOf(tuple(self.resolve(option, node) for option in source.options))
        return source

    def leaves(self, key: Key) -> list[Key]:
        """The container tasks a dependency on ``key`` stands for (all of a DAG's tasks)."""
        if key in self.importers:  # an importer runs nothing; wait for whoever makes its URI
            uri = self.resolve(self.importers[key].uri, None)
            return self.leaves(uri.producer) if isinstance(uri, TaskOutput) else []
        if key not in self.children:
            return [key]
        return [leaf for child in self.children[key] for leaf in self.leaves(child)]
