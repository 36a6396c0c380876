"""tekflow's hints for GPUs and scheduling, recorded in the IR as `platform_config["tekflow"]`
(the IR stays valid KFP: other backends ignore the key).

    train = train_op(data=...)
    dsl.gpu(train, count=2, product="A100-80GB")
    dsl.schedule(train, queue="team-a", priority="high", spot=True)

Each function returns the task, so calls chain like kfp-kubernetes'. The compiler checks the
values (docs/gpus.md lists what each becomes in the PipelineRun).
"""

from __future__ import annotations

from typing import Any, Optional

KEY = "tekflow"


def _config(task: Any) -> dict[str, Any]:
    config = getattr(task, "platform_config", None)
    if config is None:
        raise TypeError(f"{task!r} is not a pipeline task (call the hint with the task a component call returned)")
    return config.setdefault(KEY, {})


def gpu(task: Any, count: float = 1, vendor: str = "nvidia", product: Optional[str] = None,
        min_memory: Optional[str] = None, mig: Optional[str] = None, shared: bool = False) -> Any:
    """GPUs for a task's main step.

    count: whole GPUs (or MIG slices, or shares of a shared GPU); vendor: nvidia, amd, intel;
    product: a logical accelerator name of the cluster profile (A100-80GB, H100-80GB, L4, T4…);
    min_memory: the least GPU memory (e.g. "40Gi"); mig: a MIG profile ("1g.10gb");
    shared: a time-sliced share of a GPU rather than a whole one.
    """
    accelerator = {"count": count, "vendor": vendor, "shared": shared}
    for key, value in (("product", product), ("min_memory", min_memory), ("mig", mig)):
        if value is not None:
            accelerator[key] = value
    _config(task)["accelerator"] = accelerator
    return task


def schedule(task: Any, queue: Optional[str] = None, priority: Optional[str] = None,
             priority_class: Optional[str] = None, spot: bool = False,
             node_selector: Optional[dict[str, str]] = None, tolerations: Optional[list[dict[str, Any]]] = None,
             gang: Optional[str] = None) -> Any:
    """Where and when a task's pod may run.

    queue: a Kueue LocalQueue; priority: a Kueue WorkloadPriorityClass; priority_class: a
    Kubernetes PriorityClass; spot: allow (and prefer) preemptible/spot nodes; node_selector,
    tolerations: added as given; gang: a name shared by tasks that must start together (all
    TaskRuns of a loop's task, or several tasks) — scheduled as one Kueue pod group.
    """
    scheduling = {"spot": spot}
    for key, value in (("queue", queue), ("priority", priority), ("priority_class", priority_class),
                       ("node_selector", node_selector), ("tolerations", tolerations), ("gang", gang)):
        if value is not None:
            scheduling[key] = value
    _config(task)["scheduling"] = scheduling
    return task
