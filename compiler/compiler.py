"""The public compiler API, mirroring ``kfp.compiler.Compiler``."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, Optional, Union

from . import ir as ir_loader
from . import tekton
from tekflow.errors import TekflowError

from .emit import to_yaml_documents
from .lower import lower_documents
from .options import CompileOptions
from .serde import to_data

# etcd refuses objects over ~1.5 MiB, and Tekton adds the run's status to the PipelineRun
WARN_BYTES = 1 << 20
PipelineSource = Union[Any, str, os.PathLike, ir_loader.PipelineIR]  # Any: a kfp pipeline/component


class Compiler:
    """Compile a KFP v2 pipeline into a Tekton v1 PipelineRun.

    ``Compiler().compile(my_pipeline, "run.yaml")`` accepts a ``@dsl.pipeline`` object, a
    pipeline ``.py`` file or a KFP IR file; the keyword options are those of ``CompileOptions``
    (``pipeline_root``, ``launcher_image``, ``run_name``, …).
    """

    def __init__(self, options: Optional[CompileOptions] = None) -> None:
        self.options = options or CompileOptions()
        self.warnings: list[str] = []  # of the last compile: things that compiled but may not do what you expect

    def compile(
        self,
        pipeline_func: PipelineSource,
        package_path: Union[str, os.PathLike],
        pipeline_parameters: Optional[dict[str, Any]] = None,
        pipeline_name: Optional[str] = None,
        **options: Any,
    ) -> None:
        text = self.compile_to_yaml(pipeline_func, pipeline_parameters, pipeline_name, **options)
        Path(package_path).write_text(text)

    def compile_to_yaml(
        self,
        pipeline_func: PipelineSource,
        pipeline_parameters: Optional[dict[str, Any]] = None,
        pipeline_name: Optional[str] = None,
        **options: Any,
    ) -> str:
        """The PipelineRun YAML; with gang scheduling through Volcano or coscheduling, followed by
        the PodGroup documents to create with it."""
        return to_yaml_documents(self.compile_to_documents(pipeline_func, pipeline_parameters, pipeline_name,
                                                           **options))

    def compile_to_pipelinerun(
        self,
        pipeline_func: PipelineSource,
        pipeline_parameters: Optional[dict[str, Any]] = None,
        pipeline_name: Optional[str] = None,
        **options: Any,
    ) -> tekton.PipelineRun:
        documents = self.compile_to_documents(pipeline_func, pipeline_parameters, pipeline_name, **options)
        if not any(isinstance(d, tekton.PipelineRun) for d in documents):
            raise TekflowError("compile_to_pipelinerun makes a PipelineRun: leave kind and schedule out "
                               "(compile_to_documents gives the Pipeline and its schedule)")
        return pipelinerun_of(documents)

    def compile_to_documents(
        self,
        pipeline_func: PipelineSource,
        pipeline_parameters: Optional[dict[str, Any]] = None,
        pipeline_name: Optional[str] = None,
        **options: Any,
    ) -> list[Any]:
        """Every object to create, as model objects, in order: the Tasks it names (task_documents=True),
        the PipelineRun, the PodGroups of its gangs."""
        unknown = sorted(set(options) - {f.name for f in dataclasses.fields(CompileOptions)})
        if unknown:
            known = ", ".join(f.name for f in dataclasses.fields(CompileOptions))
            raise TekflowError(f"unknown compile option {unknown[0]!r}; the options are: {known}")
        opts = dataclasses.replace(self.options, **options)
        if pipeline_parameters:
            opts = dataclasses.replace(opts, parameters={**opts.parameters, **pipeline_parameters})
        pipeline_ir = (
            pipeline_func
            if isinstance(pipeline_func, ir_loader.PipelineIR)
            else ir_loader.load(pipeline_func, pipeline_name)
        )
        documents, ctx = lower_documents(pipeline_ir, opts)
        self.warnings = list(ctx.warnings)
        main = next(d for d in documents if isinstance(d, (tekton.PipelineRun, tekton.Pipeline)))
        size = len(json.dumps(to_data(main), separators=(",", ":")))
        if size > WARN_BYTES:
            advice = "split the pipeline, or move large constants into parameters or artifacts" \
                if opts.task_documents else "compile with --task-documents (taskRefs to Task documents)"
            self.warnings.append(f"the {main.kind} is {size / 2**20:.1f} MiB; the API server keeps objects up to "
                                 f"about 1.5 MiB (etcd), with the run's status included: {advice}")
        return documents


def pipelinerun_of(documents: list[Any]) -> tekton.PipelineRun:
    return next(d for d in documents if isinstance(d, tekton.PipelineRun))
