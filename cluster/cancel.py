"""Cancelling a PipelineRun by setting `spec.status`.

Tekton v1.15 knows three values (docs/pipelineruns.md, pipelinerun_types.go):
- `Cancelled`: running TaskRuns are cancelled, their pods deleted, and pending `finally` tasks
  are *not* scheduled;
- `CancelledRunFinally`: the same, but `finally` tasks then run;
- `StoppedRunFinally`: running TaskRuns finish (retries included), no new non-finally task
  starts, then `finally` tasks run.
The default is `CancelledRunFinally`: a KFP exit handler (a `finally` task in tekflow's
lowering) is how a pipeline cleans up, and KFP runs it when a run is terminated.
"""

from __future__ import annotations

from dataclasses import dataclass

from .client import Cluster
from .model import run_state
from .errors import ClusterError

MODES = {"finally": "CancelledRunFinally", "now": "Cancelled", "stop": "StoppedRunFinally"}


@dataclass
class Cancelled:
    name: str
    namespace: str
    spec_status: str
    already_done: bool  # the run had ended before: nothing was changed
    status: str


def cancel(cluster: Cluster, name: str, namespace: str, mode: str = "finally") -> Cancelled:
    if mode not in MODES:
        raise ClusterError(f"cancel mode {mode!r}: one of {', '.join(MODES)}")
    current = cluster.get_pipelinerun(name, namespace)
    state = run_state(current, [])
    if state.done:
        return Cancelled(name, namespace, state.spec_status or "", True, state.status)
    patched = cluster.patch_pipelinerun_status(name, namespace, MODES[mode])
    return Cancelled(name, namespace, MODES[mode], False, run_state(patched, []).status)
