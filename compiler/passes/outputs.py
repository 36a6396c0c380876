"""Pipeline outputs -> Tekton pipeline results (parameters) and an annotation (artifacts)."""

from __future__ import annotations

from tekflow.errors import NotSupportedError

from .. import tekton
from ..context import Lowering, OneOf, TaskArtifact, TaskOutput
from ..names import result_name


def run(ctx: Lowering) -> None:
    for name, source in sorted(ctx.root_outputs.items()):
        if isinstance(source, (TaskOutput, TaskArtifact)) and (source.collected or ctx.node(source.producer).loops):
            raise NotSupportedError(f"not supported yet: pipeline output {name!r} collected from a dsl.ParallelFor "
                                    "(pass it through a task that takes the dsl.Collected list)")
        if isinstance(source, OneOf):
            raise NotSupportedError(f"not supported yet: pipeline output {name!r} from dsl.OneOf "
                                    "(pass it through a task that takes the dsl.OneOf value)")
        if isinstance(source, TaskOutput):
            producer = ctx.node(source.producer)
            result = producer.result_names[source.output]
            ctx.pipeline.results.append(
                tekton.PipelineResult(name=result_name(name), type="string",
                                      value=f"$(tasks.{producer.tekton_name}.results.{result})")
            )
        elif isinstance(source, TaskArtifact):
            # Artifacts never travel through results: record where each pipeline output
            # artifact is produced; tools read its URI from the producer's outputs manifest.
            ctx.artifact_outputs[name] = {"task": ctx.node(source.producer).tekton_name, "output": source.output}
        else:
            raise NotSupportedError(f"not supported yet: pipeline output {name!r} from {source!r}")
