"""GPU and scheduling hints: the exact fields they become, per cluster profile, validated by Tekton."""

from pathlib import Path

import pytest

from tekflow import dsl
from tekflow.compiler import Compiler
from tekflow.compiler.emit import to_yaml
from tekflow.compiler.serde import to_data
from tekflow.errors import TekflowError
from tekflow.local.gpus import plan, requested
from tekton_validation import validate_yaml

SAMPLE = str(Path(__file__).resolve().parent.parent / "samples" / "gpu_training.py")


@dsl.component(base_image="python:3.11")
def work(x: int) -> int:
    return x


def _compile(func, profile="gfd"):
    run = Compiler().compile_to_pipelinerun(func, profile=profile)
    report = validate_yaml(to_yaml(run))
    assert report.ok, report.errors
    tasks = {t.display_name: t for t in run.spec.pipeline_spec.tasks}
    specs = {s.pipeline_task_name: to_data(s) for s in run.spec.task_run_specs}
    return tasks, specs


def _main_limits(task):
    return next(s for s in task.task_spec.steps if s.name == "main").compute_resources.limits


def _steps_without_resources(task):
    return [s.name for s in task.task_spec.steps if s.name != "main" and s.compute_resources is not None]


@dsl.pipeline(name="gpus")
def gpus():
    dsl.gpu(work(x=1).set_display_name("whole"), count=2, product="A100-80GB")
    dsl.gpu(work(x=2).set_display_name("slice"), mig="1g.10gb")
    dsl.gpu(work(x=3).set_display_name("shared"), shared=True)
    dsl.gpu(work(x=4).set_display_name("memory"), min_memory="40Gi")
    dsl.gpu(work(x=5).set_display_name("amd"), vendor="amd")


def test_gpu_hints_on_gpu_feature_discovery():
    tasks, specs = _compile(gpus)
    toleration = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert _main_limits(tasks["whole"]) == {"nvidia.com/gpu": "2"}
    assert specs[tasks["whole"].name] == {"pipelineTaskName": tasks["whole"].name, "podTemplate": {
        "nodeSelector": {"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"}, "tolerations": toleration}}
    assert _main_limits(tasks["slice"]) == {"nvidia.com/mig-1g.10gb": "1"}
    assert _main_limits(tasks["shared"]) == {"nvidia.com/gpu.shared": "1"}
    assert specs[tasks["memory"].name]["podTemplate"]["affinity"] == {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "nvidia.com/gpu.memory", "operator": "Gt", "values": ["40959"]}]}]}}}
    assert _main_limits(tasks["amd"]) == {"amd.com/gpu": "1"}
    assert specs[tasks["amd"].name]["podTemplate"]["tolerations"] == [
        {"key": "amd.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert all(not _steps_without_resources(t) for t in tasks.values())  # GPUs on the main step only


@dsl.pipeline(name="scheduling")
def scheduling():
    first = work(x=1).set_display_name("queued")
    dsl.schedule(first, queue="team-a", priority="high", priority_class="batch-high", spot=True,
                 node_selector={"pool": "training"},
                 tolerations=[{"key": "dedicated", "operator": "Equal", "value": "ml", "effect": "NoSchedule"}])
    with dsl.ParallelFor([1, 2, 3]) as i:
        dsl.schedule(work(x=i).set_display_name("worker"), gang="workers")
    dsl.schedule(work(x=9).set_display_name("coordinator"), gang="workers")


def test_scheduling_hints_on_gke():
    tasks, specs = _compile(scheduling, profile="gke")
    queued = specs[tasks["queued"].name]
    assert queued["metadata"] == {"labels": {"kueue.x-k8s.io/queue-name": "team-a",
                                             "kueue.x-k8s.io/priority-class": "high"}}
    assert queued["podTemplate"] == {
        "nodeSelector": {"cloud.google.com/gke-spot": "true", "pool": "training"},
        "tolerations": [{"key": "cloud.google.com/gke-spot", "operator": "Equal", "value": "true",
                         "effect": "NoSchedule"},
                        {"key": "dedicated", "operator": "Equal", "value": "ml", "effect": "NoSchedule"}],
        "priorityClassName": "batch-high"}
    for name in ("worker", "coordinator"):  # 3 batches of the loop + 1 task start together
        assert specs[tasks[name].name] == {"pipelineTaskName": tasks[name].name, "metadata": {
            "labels": {"kueue.x-k8s.io/pod-group-name": "workers"},
            "annotations": {"kueue.x-k8s.io/pod-group-total-count": "4"}}}


@pytest.mark.parametrize("profile, selector", [
    ("gfd", {"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"}),
    ("gke", {"cloud.google.com/gke-accelerator": "nvidia-a100-80gb", "cloud.google.com/gke-spot": "true"}),
    ("eks", {"karpenter.k8s.aws/instance-gpu-name": "a100", "karpenter.sh/capacity-type": "spot"}),
])
def test_the_gpu_sample_compiles_for_every_built_in_profile(profile, selector):
    run = Compiler().compile_to_pipelinerun(SAMPLE, profile=profile)
    assert validate_yaml(to_yaml(run)).ok
    train = next(s for s in run.spec.task_run_specs if s.pipeline_task_name == "train")
    assert train.pod_template.node_selector == selector
    if profile == "eks":  # one label value for both A100s: the memory tells them apart
        (term,) = train.pod_template.affinity.node_affinity.required_during_scheduling_ignored_during_execution \
            .node_selector_terms
        assert [(r.key, r.operator, r.values) for r in term.match_expressions] == [
            ("karpenter.k8s.aws/instance-gpu-memory", "Gt", ["81919"])]


def test_a_profile_file(tmp_path):
    profile = tmp_path / "lab.yaml"
    profile.write_text("name: lab\nvendors:\n  nvidia: {resource: nvidia.com/gpu, taints: []}\n"
                       "product_label: lab/gpu\nproducts: {A100-80GB: big-a100, L4: small-l4}\n")
    run = Compiler().compile_to_pipelinerun(SAMPLE, profile=str(profile))
    train = next(s for s in run.spec.task_run_specs if s.pipeline_task_name == "train")
    assert train.pod_template.node_selector["lab/gpu"] == "big-a100"


def _one(hint):
    @dsl.pipeline(name="bad")
    def bad():
        hint(work(x=1))

    return bad


@pytest.mark.parametrize("hint, message", [
    (lambda t: dsl.gpu(t, count=0.5), "GPU count must be a whole number >= 1, got 0.5"),
    (lambda t: dsl.gpu(t.set_accelerator_type("nvidia.com/gpu").set_accelerator_limit(1), mig="1g.10gb"),
     "a MIG slice and a whole GPU on one task"),
    (lambda t: dsl.gpu(t, product="Z9000"), "unknown GPU product 'Z9000' for cluster profile 'gfd'; known: A100-40GB"),
    (lambda t: dsl.schedule(t, queue="Team A!"), "queue name 'Team A!' is not a valid label value"),
    (lambda t: dsl.gpu(t, mig="huge"), "MIG profile 'huge' is not like '1g.10gb'"),
    (lambda t: dsl.gpu(t, vendor="acme"), "GPU vendor 'acme' is not in cluster profile 'gfd'"),
])
def test_bad_hints_are_compile_errors(hint, message):
    with pytest.raises(TekflowError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Compiler().compile_to_pipelinerun(_one(hint))


def test_unknown_profile_is_named():
    with pytest.raises(TekflowError, match="not a built-in profile \\(eks, gfd, gke\\)"):
        Compiler().compile_to_pipelinerun(SAMPLE, profile="azure")


def test_local_gpu_plan():
    assert requested({"nvidia.com/gpu": "2", "cpu": "1"}) == 2
    assert requested({"nvidia.com/mig-1g.10gb": "1"}) == 1
    env, warning = plan(2, "train", visible=[])
    assert env == {"CUDA_VISIBLE_DEVICES": ""} and "none are visible" in warning
    assert plan(2, "train", visible=["0", "1", "2"]) == ({"CUDA_VISIBLE_DEVICES": "0,1"}, None)
    assert plan(0, "prep", visible=["0"]) == ({}, None)
