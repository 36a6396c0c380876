"""Pipeline outputs -> Tekton pipeline results."""

from __future__ import annotations

from tekflow.errors import NotSupportedError

from .. import tekton
from ..context import Lowering
from ..names import result_name


def run(ctx: Lowering) -> None:
    dag_outputs = ctx.spec.root.dag.outputs
    for name in sorted(dag_outputs.parameters):
        source = dag_outputs.parameters[name]
        if source.WhichOneof("kind") != "value_from_parameter":
            raise NotSupportedError(f"not supported yet: pipeline output {name!r} from {source.WhichOneof('kind')}")
        producer = ctx.node(source.value_from_parameter.producer_subtask)
        result = producer.result_names[source.value_from_parameter.output_parameter_key]
        ctx.pipeline.results.append(
            tekton.PipelineResult(name=result_name(name), type="string", value=f"$(tasks.{producer.tekton_name}.results.{result})")
        )
    # Artifacts never travel through results: record where each pipeline output artifact is
    # produced; tools read its URI from the producer's outputs manifest.
    for name in sorted(dag_outputs.artifacts):
        selectors = dag_outputs.artifacts[name].artifact_selectors
        if len(selectors) != 1:
            raise NotSupportedError(f"not supported yet: pipeline output artifact {name!r} with {len(selectors)} sources")
        producer = ctx.node(selectors[0].producer_subtask)
        ctx.artifact_outputs[name] = {"task": producer.tekton_name, "output": selectors[0].output_artifact_key}
