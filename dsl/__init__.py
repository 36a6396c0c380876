"""tekflow.dsl: a drop-in for ``kfp.dsl`` (``from tekflow import dsl``).

Everything kfp's DSL exports is re-exported unchanged, so a pipeline written against
``kfp.dsl`` compiles the same with either import. tekflow's own hints are added here.
"""

from kfp.dsl import *  # noqa: F401,F403  (the whole public DSL of kfp)
from kfp.dsl import __all__ as _kfp_all

__all__ = list(_kfp_all)

from .hints import gpu, schedule  # noqa: E402,F401 - tekflow's own hints
from .hints import schedule_pipeline  # noqa: E402,F401 - pipeline-wide scheduling hints
