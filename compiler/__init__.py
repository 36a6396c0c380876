"""tekflow.compiler: KFP v2 IR -> Tekton v1 PipelineRun."""

from tekflow._kfp import import_kfp_root

import_kfp_root()

# isort: split

from .compiler import Compiler
from .options import CompileOptions

__all__ = ["Compiler", "CompileOptions"]
