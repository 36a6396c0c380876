"""Why Tekton does not run a PipelineTask: its SkippingReason values (pkg/apis/pipeline/v1).

The order of the checks follows Tekton's ResolvedPipelineTask.skip() for tasks and
IsFinallySkipped() for finally tasks (local/executor.py).
"""

WHEN = "When Expressions evaluated to false"
PARENT = "Parent Tasks were skipped"
STOPPING = "PipelineRun was stopping"
CANCELLED = "PipelineRun was gracefully cancelled"
MISSING_RESULTS = "Results were missing"
PIPELINE_TIMEOUT = "PipelineRun timeout has been reached"
TASKS_TIMEOUT = "PipelineRun Tasks timeout has been reached"
FINALLY_TIMEOUT = "PipelineRun Finally timeout has been reached"
EMPTY_MATRIX = "Matrix Parameters have an empty array"
