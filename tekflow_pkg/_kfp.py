"""Import kfp's package root without its client.

``import kfp`` eagerly loads ``kfp.dsl`` and ``kfp.client`` (and through it the whole
``kubernetes`` client): ~0.5 s, more than the rest of a compile. kfp skips those imports
when ``_KFP_RUNTIME=true`` (its in-container mode). We set it only while the package root
is imported, so a later ``from kfp import dsl`` still loads the full DSL.
"""

import os
import sys


def import_kfp_root() -> None:
    if "kfp" in sys.modules:
        return
    previous = os.environ.get("_KFP_RUNTIME")
    os.environ["_KFP_RUNTIME"] = "true"
    try:
        import kfp  # noqa: F401
    finally:
        if previous is None:
            del os.environ["_KFP_RUNTIME"]
        else:
            os.environ["_KFP_RUNTIME"] = previous
