"""tekflow.cluster: submit, follow, read and cancel Tekton PipelineRuns through the Kubernetes API.

Modules, one job each: `config` (which cluster), `client` (the API calls), `errors` (one-line
errors), `model` (typed run states, exit codes), `labels` (provenance), `submit`, `watch`
(progress events), `logs`, `junit`, `cancel`.
"""

from .config import Connection, connect
from .errors import ClusterError
from .model import RunState, TaskRunState, TaskState, exit_code, run_state

__all__ = ["ClusterError", "Connection", "RunState", "TaskRunState", "TaskState", "connect", "exit_code", "run_state"]
