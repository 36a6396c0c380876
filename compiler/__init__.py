"""tekflow.compiler: KFP v2 IR -> Tekton v1 PipelineRun."""

from .compiler import Compiler
from .options import CompileOptions

__all__ = ["Compiler", "CompileOptions"]
