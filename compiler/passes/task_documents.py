"""--task-documents: every PipelineTask's embedded taskSpec becomes a `Task` document it names
by `taskRef`, so the PipelineRun stays small however many tasks the pipeline has (the API
server keeps objects up to ~1.5 MiB, and a PipelineRun embeds every task's steps).

Task names end in a hash of their spec: a changed pipeline makes new Tasks instead of
changing ones a running PipelineRun still uses, and an unchanged one reuses them.
"""

from __future__ import annotations

import dataclasses
import json

from .. import tekton
from ..context import Lowering
from ..names import dns_label, short_hash
from ..serde import from_data, to_data


# Variables of the PipelineRun that Tekton replaces in the Pipeline, embedded taskSpecs
# included, but not in a referenced Task: such a Task gets them as params.
PIPELINE_VARIABLES = {
    "context.pipelineRun.name": "tekflow-pipelinerun-name",
    "context.pipelineRun.uid": "tekflow-pipelinerun-uid",
    "context.pipelineRun.namespace": "tekflow-pipelinerun-namespace",
    "context.pipeline.name": "tekflow-pipeline-name",
    "context.pipelineTask.retries": "tekflow-pipelinetask-retries",
}


def run(ctx: Lowering) -> None:
    if not ctx.options.task_documents:
        return
    pipeline = dns_label(ctx.spec.pipeline_info.name)
    for task in [*ctx.pipeline.tasks, *ctx.pipeline.finally_]:
        embedded = task.task_spec
        if embedded is None:
            continue
        spec = tekton.TaskSpec(**{f.name: getattr(embedded, f.name) for f in dataclasses.fields(tekton.TaskSpec)})
        spec, passed = _pipeline_variables_as_params(spec)
        task.params = [*task.params, *passed]
        digest = short_hash(json.dumps(to_data(spec), sort_keys=True), 8)
        name = f"{dns_label(f'{pipeline}-{task.name}', 63 - 9)}-{digest}"
        labels = {**(embedded.metadata.labels if embedded.metadata else {}),
                  "tekflow.dev/pipeline": pipeline, "app.kubernetes.io/managed-by": "tekflow"}
        if all(t.metadata.name != name for t in ctx.task_documents):
            ctx.task_documents.append(tekton.Task(
                metadata=tekton.ObjectMeta(name=name, namespace=ctx.options.namespace, labels=labels,
                                           annotations=dict(embedded.metadata.annotations) if embedded.metadata else {}),
                spec=spec))
        task.task_ref = tekton.TaskRef(name=name, kind="Task")
        task.task_spec = None


def _pipeline_variables_as_params(spec: tekton.TaskSpec) -> tuple[tekton.TaskSpec, list[tekton.Param]]:
    """The spec with each pipeline variable it uses turned into a param of its own, and the
    params the PipelineTask passes for them."""
    text = json.dumps(to_data(spec))
    used = {variable: param for variable, param in PIPELINE_VARIABLES.items() if f"$({variable})" in text}
    if not used:
        return spec, []
    for variable, param in used.items():
        text = text.replace(f"$({variable})", f"$(params.{param})")
    spec = from_data(tekton.TaskSpec, json.loads(text), "taskSpec")
    spec.params = [*spec.params, *(tekton.ParamSpec(name=param, type="string") for param in used.values())]
    return spec, [tekton.Param(name=param, value=f"$({variable})") for variable, param in used.items()]
