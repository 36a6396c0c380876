"""tekflow's hints for GPUs and scheduling, recorded in the IR as `platform_config["tekflow"]`
(kfp writes it to `platform_spec.platforms.tekflow`; other backends ignore the key, so the IR
stays valid KFP).

    train = train_op(data=...)
    dsl.gpu(train, count=2, product="A100-80GB", cpu="8", memory="64Gi")
    dsl.schedule(train, queue="team-a", priority="high", spot=True)

    @dsl.schedule_pipeline(queue="team-a")      # every task of the pipeline, above @dsl.pipeline
    @dsl.pipeline(name="training")
    def training(): ...

Each task function returns the task, so calls chain like kfp-kubernetes'. The compiler checks
the values against the cluster profile (docs/gpus.md lists what each becomes in the PipelineRun).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from google.protobuf import json_format

from .hint_checks import HintError, HintTypeError, check_gpu, check_scheduling

__all__ = ["HintError", "HintTypeError", "gpu", "schedule", "schedule_pipeline"]

KEY = "tekflow"


def _config(task: Any) -> dict[str, Any]:
    config = getattr(task, "platform_config", None)
    if not isinstance(config, dict):
        raise TypeError(f"{task!r} is not a pipeline task (call the hint with the task a component call returned)")
    return config.setdefault(KEY, {})


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def gpu(task: Any, count: float = 1, vendor: str = "nvidia", product: Optional[str] = None,
        min_memory: Optional[str] = None, mig: Optional[str] = None, shared: bool = False,
        cpu: Optional[str] = None, memory: Optional[str] = None) -> Any:
    """GPUs for a task's main step.

    count: whole GPUs (or MIG slices, or shares of a shared GPU); vendor: nvidia, amd, intel;
    product: a logical accelerator name of the cluster profile (A100-80GB, H100-80GB, L4, T4…);
    min_memory: the least memory per GPU (e.g. "40Gi"); mig: a MIG profile ("1g.10gb");
    shared: a time-sliced share of a GPU rather than a whole one; cpu, memory: what the step
    needs beside the GPUs (requested and limited to that amount).
    """
    config = _config(task)
    count = check_gpu("dsl.gpu", count, vendor, product, min_memory, mig, shared, cpu, memory)
    config["accelerator"] = {"count": count, "vendor": vendor, "shared": shared,
                             **_given(product=product, min_memory=min_memory, mig=mig, cpu=cpu, memory=memory)}
    return task


def _scheduling(queue: Optional[str], priority: Optional[str], priority_class: Optional[str], spot: Optional[bool],
                node_selector: Optional[dict[str, str]], tolerations: Optional[list[dict[str, Any]]],
                affinity: Optional[dict[str, Any]], gang: Optional[str]) -> dict[str, Any]:
    return _given(queue=queue, priority=priority, priority_class=priority_class, spot=spot,
                  node_selector=node_selector, tolerations=tolerations, affinity=affinity, gang=gang)


def schedule(task: Any, queue: Optional[str] = None, priority: Optional[str] = None,
             priority_class: Optional[str] = None, spot: Optional[bool] = None,
             node_selector: Optional[dict[str, str]] = None, tolerations: Optional[list[dict[str, Any]]] = None,
             affinity: Optional[dict[str, Any]] = None, gang: Optional[str] = None) -> Any:
    """Where and when a task's pod may run. Only the arguments given are set (calls add up).

    queue: a Kueue LocalQueue; priority: a Kueue WorkloadPriorityClass; priority_class: a
    Kubernetes PriorityClass (preemption); spot: run on spot/preemptible nodes (the profile
    says how to select them); node_selector, tolerations, affinity: Kubernetes' own fields,
    camelCase as in a pod spec, merged with what the GPU hints add; gang: a name shared by tasks
    whose pods must start together (every TaskRun of a loop's task counts).
    """
    config = _config(task)
    check_scheduling("dsl.schedule", queue, priority, priority_class, spot, node_selector, tolerations, affinity,
                      gang)
    config.setdefault("scheduling", {}).update(
        _scheduling(queue, priority, priority_class, spot, node_selector, tolerations, affinity, gang))
    return task


def schedule_pipeline(queue: Optional[str] = None, priority: Optional[str] = None,
                      priority_class: Optional[str] = None, spot: Optional[bool] = None,
                      node_selector: Optional[dict[str, str]] = None,
                      tolerations: Optional[list[dict[str, Any]]] = None,
                      affinity: Optional[dict[str, Any]] = None, gang: Optional[str] = None) -> Callable[[Any], Any]:
    """`schedule` for every task of a pipeline (sub-pipelines included); a task's own
    `dsl.schedule` values win. A decorator, written above `@dsl.pipeline`."""
    check_scheduling("dsl.schedule_pipeline", queue, priority, priority_class, spot, node_selector, tolerations,
                      affinity, gang)
    defaults = _scheduling(queue, priority, priority_class, spot, node_selector, tolerations, affinity, gang)

    def decorate(pipeline: Any) -> Any:
        platform_spec = getattr(pipeline, "platform_spec", None)
        if platform_spec is None or not hasattr(pipeline, "pipeline_spec"):
            raise TypeError("@dsl.schedule_pipeline(...) goes above @dsl.pipeline (it needs the compiled pipeline)")
        _apply_defaults(pipeline.pipeline_spec, platform_spec, defaults)
        return pipeline

    return decorate


def _apply_defaults(pipeline_spec: Any, platform_spec: Any, defaults: dict[str, Any]) -> None:
    """Merge pipeline-wide scheduling defaults into every container executor's tekflow config."""
    executors = json_format.MessageToDict(pipeline_spec.deployment_spec).get("executors", {})
    platforms = json_format.MessageToDict(platform_spec).get("platforms", {})
    configs = platforms.setdefault(KEY, {}).setdefault("deploymentSpec", {}).setdefault("executors", {})
    for label, executor in sorted(executors.items()):
        if "container" in executor:
            scheduling = configs.setdefault(label, {}).setdefault("scheduling", {})
            configs[label]["scheduling"] = {**defaults, **scheduling}
    platform_spec.Clear()
    json_format.ParseDict({"platforms": platforms}, platform_spec)
