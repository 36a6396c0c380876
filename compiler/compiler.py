"""The public compiler API, mirroring ``kfp.compiler.Compiler``."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Optional, Union

from . import ir as ir_loader
from . import tekton
from .emit import to_yaml
from .lower import lower
from .options import CompileOptions

PipelineSource = Union[Any, str, os.PathLike, ir_loader.PipelineIR]  # Any: a kfp pipeline/component


class Compiler:
    """Compile a KFP v2 pipeline into a Tekton v1 PipelineRun.

    ``Compiler().compile(my_pipeline, "run.yaml")`` accepts a ``@dsl.pipeline`` object, a
    pipeline ``.py`` file or a KFP IR file; the keyword options are those of ``CompileOptions``
    (``pipeline_root``, ``launcher_image``, ``run_name``, …).
    """

    def __init__(self, options: Optional[CompileOptions] = None) -> None:
        self.options = options or CompileOptions()

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
        return to_yaml(self.compile_to_pipelinerun(pipeline_func, pipeline_parameters, pipeline_name, **options))

    def compile_to_pipelinerun(
        self,
        pipeline_func: PipelineSource,
        pipeline_parameters: Optional[dict[str, Any]] = None,
        pipeline_name: Optional[str] = None,
        **options: Any,
    ) -> tekton.PipelineRun:
        opts = dataclasses.replace(self.options, **options)
        if pipeline_parameters:
            opts = dataclasses.replace(opts, parameters={**opts.parameters, **pipeline_parameters})
        pipeline_ir = (
            pipeline_func
            if isinstance(pipeline_func, ir_loader.PipelineIR)
            else ir_loader.load(pipeline_func, pipeline_name)
        )
        run, _ = lower(pipeline_ir, opts)
        return run
