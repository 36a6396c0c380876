"""Collect the KFP tasks that become Tekton PipelineTasks (one flat DAG)."""

from __future__ import annotations

from tekflow.errors import NotSupportedError

from ..context import Lowering, TaskNode


def run(ctx: Lowering) -> None:
    dag = ctx.spec.root.dag
    for kfp_name in sorted(dag.tasks):
        task = dag.tasks[kfp_name]
        component = ctx.component(task.component_ref.name)
        where = f"task {kfp_name!r}"
        if component.WhichOneof("implementation") == "dag":
            raise NotSupportedError(
                f"not supported yet: sub-DAGs (dsl.If/Condition, dsl.ParallelFor, dsl.ExitHandler, nested pipelines) in {where}"
            )
        if task.HasField("trigger_policy") and task.trigger_policy.condition:
            raise NotSupportedError(f"not supported yet: conditions (triggerPolicy) in {where}")
        if task.WhichOneof("iterator"):
            raise NotSupportedError(f"not supported yet: loops (iterator) in {where}")
        executor = ctx.executor(component.executor_label)
        if executor is None:
            raise NotSupportedError(f"{where}: component {task.component_ref.name!r} has no executor in the IR")
        kind = executor.WhichOneof("spec")
        if kind != "container":
            raise NotSupportedError(f"not supported yet: {kind} executors ({component.executor_label}) in {where}")
        ctx.nodes[kfp_name] = TaskNode(kfp_name=kfp_name, spec=task, component=component, executor=executor)
    if not ctx.nodes:
        raise NotSupportedError(f"pipeline {ctx.ir.name!r} has no tasks")
