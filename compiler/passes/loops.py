"""dsl.ParallelFor -> Tekton matrix over batches of iterations (see tekflow.runtime.iterations).

Loops over constants are enumerated here: their tasks get a static matrix and the iterations
in their launch spec. Other loops (over a pipeline parameter or a task's output) get one small
`iterations` task per loop nest, which enumerates the iterations at run time, records them in
its manifest and returns the batch numbers as an array result that the loop's tasks fan out over.
"""

from __future__ import annotations

from typing import Any, Optional

from tekflow.errors import NotSupportedError
from tekflow.runtime.iterations import HAS_ITERATIONS, IterationError, batch_count, enumerate_iterations, select
from tekflow.runtime.spec import encode_spec

from .. import tekton
from ..context import ARTIFACTS_WORKSPACE, Constant, Loop, LoopItem, Lowering, TaskNode, TaskOutput
from .sources import Entries, space_key
from .storage import uses_artifact_workspace

BATCH_PARAM = "tekflow-batch"
LAUNCHER = ["python3", "-m", "tekflow.runtime"]


def run(ctx: Lowering) -> None:
    # Tekton skips the dependents of a task whose matrix is empty; a false `when` skips the task
    # alone. So the tasks of a loop without iterations are skipped by a `when`, and the tasks
    # after the loop (fan-in, pipeline outputs) still run.
    has_iterations: dict[tuple, Optional[tekton.WhenExpression]] = {}
    for node in ctx.nodes.values():
        if not node.loops:
            continue
        if node.is_finally:
            raise NotSupportedError(f"not supported yet: an exit task or .ignore_upstream_failure() task inside "
                                    f"dsl.ParallelFor (task {node.kfp_name!r})")
        key = space_key(node)
        if key not in ctx.spaces:
            has_iterations[key] = _space(ctx, node, key)
        if has_iterations[key] is not None:
            node.when.append(has_iterations[key])


def _space(ctx: Lowering, node: TaskNode, key: tuple) -> Optional[tekton.WhenExpression]:
    """The loop nest's iteration space and matrix value; the `when` that holds if it has iterations
    (None for constant items, which are known to have some)."""
    iterations = _static_iterations(node.loops)
    if iterations is not None:
        batches = batch_count(iterations, [loop.parallelism for loop in node.loops])
        ctx.spaces[key] = {"iterations": iterations, "batches": batches}
        ctx.batch_values[key] = [str(b) for b in range(batches)]
        return None if iterations else tekton.WhenExpression(input="false", operator="in", values=["true"])
    helper = _iterations_task(ctx, node)
    ctx.pipeline.tasks.append(helper)
    ctx.spaces[key] = {"helper": helper.name}
    ctx.helpers[key] = helper
    ctx.batch_values[key] = f"$(tasks.{helper.name}.results.batches[*])"
    return tekton.WhenExpression(input=f"$(tasks.{helper.name}.results.{HAS_ITERATIONS})", operator="in",
                                 values=["true"])


def _static_iterations(loops: tuple[Loop, ...]) -> Optional[list[dict[str, Any]]]:
    """The iterations when every loop's items are known now, else None."""
    keys = [loop.key for loop in loops]

    class Dynamic(Exception):
        pass

    def resolve(level: int, coord: list[int], items: list[Any]) -> Any:
        source = loops[level].items
        if isinstance(source, Constant):
            return source.value
        if isinstance(source, LoopItem) and source.loop in keys[:level]:
            return select(items[keys.index(source.loop)], list(source.path))
        raise Dynamic

    try:
        return enumerate_iterations(len(loops), resolve)
    except Dynamic:
        return None
    except IterationError as e:
        raise NotSupportedError(f"loop {'/'.join(loops[-1].key)!r}: {e}") from None


def _iterations_task(ctx: Lowering, node: TaskNode) -> tekton.PipelineTask:
    innermost = node.loops[-1].key
    name = ctx.names.get("/".join(innermost) + "/iterations", f"{innermost[-1]}-iterations")
    entries = Entries(ctx, f"loop {'/'.join(innermost)!r}", loops=node.loops)
    levels = []
    run_after = set()
    for loop in node.loops:
        entry = entries.parameter("items", loop.items) if not isinstance(loop.items, LoopItem) \
            else entries.loop_item(loop.items)
        if isinstance(loop.items, TaskOutput) and "param" not in entry:
            run_after.add(ctx.node(loop.items.producer).tekton_name)
        levels.append({"items": entry, "parallelism": loop.parallelism})
    spec = {"version": 1, "kind": "iterations", "pipeline": ctx.ir.name, "task": name, "loops": levels}
    args = ["--spec", encode_spec(spec), "--pipeline-root", ctx.pipeline_root, "--run", "$(context.pipelineRun.name)",
            *[arg for p in entries.params for arg in ("--param", f"{p.name}=$(params.{p.name})")],
            "--result", "batches=$(results.batches.path)",
            "--result", f"{HAS_ITERATIONS}=$(results.{HAS_ITERATIONS}.path)"]
    workspaces = [ARTIFACTS_WORKSPACE] if uses_artifact_workspace(ctx) else []
    return tekton.PipelineTask(
        name=name,
        display_name=f"{innermost[-1]} iterations",
        task_spec=tekton.EmbeddedTask(
            params=[tekton.ParamSpec(name=p.name, type="string") for p in entries.params],
            steps=[tekton.Step(name="iterations", image=ctx.options.launcher_image,
                               command=[*LAUNCHER, "iterations"], args=args)],
            results=[tekton.TaskResult(name="batches", type="array",
                                       description="batch numbers the loop's tasks fan out over"),
                     tekton.TaskResult(name=HAS_ITERATIONS, type="string",
                                       description="true when the loop has iterations (else its tasks are skipped)")],
            workspaces=[tekton.WorkspaceDeclaration(name=w) for w in workspaces],
        ),
        params=entries.params,
        run_after=sorted(run_after),
        workspaces=[tekton.WorkspacePipelineTaskBinding(name=w, workspace=w) for w in workspaces],
    )
