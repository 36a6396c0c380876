"""Lowering passes, IR -> Tekton model, run in order by ``tekflow.compiler.lower``.

Each pass is a function ``run(ctx: Lowering) -> None`` with one job.
"""
