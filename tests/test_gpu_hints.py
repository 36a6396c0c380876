"""GPU and scheduling hints: the exact fields they become, per cluster profile, validated by Tekton."""

from pathlib import Path

import pytest

from tekflow import dsl
from tekflow.compiler import Compiler
from tekflow.compiler.emit import to_yaml, to_yaml_documents
from tekflow.compiler.serde import to_data
from tekflow.errors import TekflowError
from tekflow.local.gpus import plan, requested
from corpus_support import manifest
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
            "labels": {"kueue.x-k8s.io/pod-group-name": "scheduling-workers"},
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
     "a MIG slice and a whole GPU (nvidia.com/gpu) on one task"),
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


def _documents(func, **options):
    """Every document compile writes (PipelineRun, PodGroups…), validated together, as data."""
    compiler = Compiler()
    documents = compiler.compile_to_documents(func, **options)
    report = validate_yaml(to_yaml_documents(documents))
    assert report.ok, report.errors
    run, *others = documents
    tasks = {t.display_name: t for t in run.spec.pipeline_spec.tasks}
    specs = {s.pipeline_task_name: to_data(s) for s in run.spec.task_run_specs}
    return tasks, specs, [to_data(o) for o in others], compiler.warnings


@pytest.mark.parametrize("scheduler", ["volcano", "coscheduling"])
def test_gangs_with_a_pod_group_object(scheduler):
    tasks, specs, others, warnings = _documents(scheduling, profile="gke", gang_scheduler=scheduler,
                                                run_name="nightly-1")
    api = {"volcano": "scheduling.volcano.sh/v1beta1", "coscheduling": "scheduling.x-k8s.io/v1alpha1"}[scheduler]
    assert others == [{"apiVersion": api, "kind": "PodGroup", "metadata": {
        "name": "nightly-1-workers",
        "labels": {"tekflow.dev/pipeline": "scheduling", "app.kubernetes.io/managed-by": "tekflow"}},
        "spec": {"minMember": 4}}]
    for name in ("worker", "coordinator"):
        spec = specs[tasks[name].name]
        if scheduler == "volcano":
            assert spec["metadata"] == {"annotations": {"scheduling.k8s.io/group-name": "nightly-1-workers"}}
            assert spec["podTemplate"] == {"schedulerName": "volcano"}
        else:
            assert spec["metadata"] == {"labels": {"scheduling.x-k8s.io/pod-group": "nightly-1-workers"}}
            assert "podTemplate" not in spec  # the profile names no second scheduler
    assert not any("share the pod group" in w for w in warnings)  # each run has its own name


def test_a_gang_without_a_run_name_warns_that_runs_share_it():
    *_, warnings = _documents(scheduling, gang_scheduler="volcano")
    assert any("share the pod group 'scheduling-workers'" in w and "--run-name" in w for w in warnings)


def test_a_profile_chooses_the_gang_scheduler_and_its_scheduler_name(tmp_path):
    profile = tmp_path / "lab.yaml"
    profile.write_text("name: lab\nvendors:\n  nvidia: {resource: nvidia.com/gpu}\n"
                       "gang_scheduler: coscheduling\nscheduler_name: scheduler-plugins-scheduler\n")
    tasks, specs, others, _ = _documents(scheduling, profile=str(profile))
    assert others[0]["apiVersion"] == "scheduling.x-k8s.io/v1alpha1"
    assert specs[tasks["worker"].name]["podTemplate"] == {"schedulerName": "scheduler-plugins-scheduler"}
    # the option wins over the profile
    _, _, others, _ = _documents(scheduling, profile=str(profile), gang_scheduler="kueue")
    assert others == []


def _gang_pipeline(body):
    @dsl.pipeline(name="gang")
    def gang(flag: bool = True, items: list = [1, 2]):
        body(flag, items)

    return gang


@pytest.mark.parametrize("body, message", [
    (lambda flag, items: [dsl.schedule(work(x=1), gang="g"),
                          dsl.schedule(work(x=2).after(dsl.schedule(work(x=3), gang="g")), gang="g")],
     "tasks of a gang must not depend on each other"),
    (lambda flag, items: [dsl.schedule(work(x=1), gang="g"), _in_condition(flag)],
     "runs only under a condition"),
    (lambda flag, items: _in_dynamic_loop(items), "known only at run time"),
    (lambda flag, items: dsl.schedule(work(x=1), gang="Not A Label!"), "gang name 'Not A Label!'"),
])
def test_gangs_that_cannot_start_together_are_compile_errors(body, message):
    with pytest.raises(TekflowError, match=message):
        Compiler().compile_to_pipelinerun(_gang_pipeline(body))


def _in_condition(flag):
    with dsl.If(flag == True):  # noqa: E712
        dsl.schedule(work(x=4), gang="g")


def _in_dynamic_loop(items):
    with dsl.ParallelFor(items) as item:
        dsl.schedule(work(x=item), gang="g")


def test_an_unknown_gang_scheduler_is_a_clear_error():
    with pytest.raises(TekflowError, match="--gang-scheduler 'slurm' is not one of kueue, volcano, coscheduling"):
        Compiler().compile_to_pipelinerun(scheduling, gang_scheduler="slurm")


@dsl.pipeline(name="placed")
def placed():
    task = work(x=1).set_display_name("placed")
    dsl.gpu(task, min_memory="24Gi", cpu="4", memory="16Gi")
    dsl.schedule(task, affinity={
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}]},
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 10, "preference": {"matchExpressions": [
                    {"key": "pool", "operator": "In", "values": ["fast"]}]}}]},
        "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 5, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                              "labelSelector": {"matchLabels": {"app": "trainer"}}}}]}})


def test_affinity_is_merged_with_the_gpu_requirements():
    tasks, specs, _, _ = _documents(placed)
    main = next(s for s in tasks["placed"].task_spec.steps if s.name == "main").compute_resources
    assert (main.requests, main.limits) == ({"cpu": "4", "memory": "16Gi"},
                                            {"nvidia.com/gpu": "1", "cpu": "4", "memory": "16Gi"})
    affinity = specs[tasks["placed"].name]["podTemplate"]["affinity"]
    assert affinity["nodeAffinity"] == {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "zone", "operator": "In", "values": ["a", "b"]},
            {"key": "nvidia.com/gpu.memory", "operator": "Gt", "values": ["24575"]}]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "preference": {"matchExpressions": [
            {"key": "pool", "operator": "In", "values": ["fast"]}]}}]}
    assert affinity["podAntiAffinity"] == {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 5, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "trainer"}},
                                          "topologyKey": "kubernetes.io/hostname"}}]}


@dsl.schedule_pipeline(queue="team-a", priority="low", node_selector={"pool": "batch"})
@dsl.pipeline(name="queued")
def queued_pipeline():
    work(x=1).set_display_name("default")
    dsl.schedule(work(x=2).set_display_name("urgent"), priority="high")


def test_pipeline_wide_scheduling_defaults_and_a_tasks_own_values_win():
    tasks, specs, _, _ = _documents(queued_pipeline)
    assert specs[tasks["default"].name]["metadata"]["labels"] == {
        "kueue.x-k8s.io/queue-name": "team-a", "kueue.x-k8s.io/priority-class": "low"}
    assert specs[tasks["urgent"].name]["metadata"]["labels"] == {
        "kueue.x-k8s.io/queue-name": "team-a", "kueue.x-k8s.io/priority-class": "high"}
    assert specs[tasks["urgent"].name]["podTemplate"] == {"nodeSelector": {"pool": "batch"}}


def test_schedule_pipeline_must_wrap_a_pipeline():
    with pytest.raises(TypeError, match="goes above @dsl.pipeline"):
        dsl.schedule_pipeline(queue="q")(lambda: None)


@dsl.pipeline(name="amd")
def amd_pipeline():
    dsl.gpu(work(x=1).set_display_name("mi300"), vendor="amd", product="MI300X")


def test_a_vendors_own_product_label():
    tasks, specs, _, _ = _documents(amd_pipeline)
    assert specs[tasks["mi300"].name]["podTemplate"]["nodeSelector"] == {
        "amd.com/gpu.product-name": "AMD_Instinct_MI300X"}
    with pytest.raises(TekflowError, match="unknown GPU product 'A100-80GB' .* known: MI250X, MI300X"):
        Compiler().compile_to_pipelinerun(_one(lambda t: dsl.gpu(t, vendor="amd", product="A100-80GB")))


def test_gpus_with_the_per_run_pvc_warn_about_the_affinity_assistant():
    compiler = Compiler()
    compiler.compile_to_pipelinerun(gpus)
    assert any("affinity assistant" in w for w in compiler.warnings)
    compiler.compile_to_pipelinerun(gpus, pipeline_root="s3://bucket/root")
    assert not any("affinity assistant" in w for w in compiler.warnings)


@pytest.mark.parametrize("hint, message", [
    (lambda t: dsl.gpu(t, cpu="lots"), "cpu='lots' is not a Kubernetes quantity"),
    (lambda t: dsl.gpu(t.set_cpu_limit("2"), cpu="4"), "cpu limit 2 .* and dsl.gpu\\(cpu='4'\\) disagree"),
    (lambda t: dsl.gpu(t, mig="1g.10gb", shared=True), "a MIG slice and a shared GPU"),
    (lambda t: dsl.gpu(t.set_accelerator_type("nvidia.com/gpu").set_accelerator_limit(1)), "GPUs asked for twice"),
    (lambda t: dsl.schedule(t, tolerations=[{"key": "a", "colour": "blue"}]), "toleration"),
    (lambda t: dsl.schedule(t, priority_class="Not_Valid"), "is not a valid PriorityClass name"),
    (lambda t: dsl.gpu(t, vendor="intel", min_memory="8Gi"), "no GPU memory label for intel"),
])
def test_more_bad_hints_are_compile_errors(hint, message):
    with pytest.raises(TekflowError, match=message):
        Compiler().compile_to_pipelinerun(_one(hint))


GANG_FILE = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def shard(i: int) -> int:
    return i * 10


@dsl.component(base_image="python:3.11")
def total(values: list) -> int:
    return sum(values)


@dsl.pipeline(name="sharded")
def sharded() -> int:
    with dsl.ParallelFor([1, 2, 3]) as i:
        worker = dsl.schedule(shard(i=i), gang="shards", queue="team-a")
    return total(values=dsl.Collected(worker.output)).output
'''


def test_cli_compiles_a_volcano_gang_that_validates_and_runs_locally(tmp_path):
    import json
    import subprocess
    import sys

    source = tmp_path / "sharded.py"
    source.write_text(GANG_FILE)
    out = tmp_path / "run.yaml"
    cli = [sys.executable, "-m", "tekflow.cli.main"]
    proc = subprocess.run([*cli, "compile", str(source), "-o", str(out), "--gang-scheduler", "volcano"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "warning: gang 'shards': concurrent runs of this PipelineRun share the pod group" in proc.stderr
    text = out.read_text()
    report = validate_yaml(text)
    assert report.ok, report.errors
    assert [d.kind for d in report.documents] == ["PipelineRun", "PodGroup"]
    assert "minMember: 3" in text
    proc = subprocess.run([*cli, "run", str(out), "--output", "json", "--no-tracking",
                           "--run-dir", str(tmp_path / "run")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["outputs"] == {"Output": 60}


@dsl.component(base_image="python:3.11")
def on_gpus(pause: float) -> str:
    import os
    import time

    start = time.time()
    time.sleep(pause)
    return f"{os.environ.get('CUDA_VISIBLE_DEVICES')}|{start}|{time.time()}"


def _gpu_outputs(tmp_path, visible, monkeypatch):
    from tekflow import local

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)

    @dsl.pipeline(name="two-gpu-tasks")
    def pipeline():
        dsl.gpu(on_gpus(pause=1.0).set_display_name("first"), count=2)
        dsl.gpu(on_gpus(pause=1.0).set_display_name("second"), count=2)

    result = local.run(pipeline, run_dir=tmp_path / visible.replace(",", "-"), max_parallel=2)
    assert result.status == "Succeeded", result.summary()
    values = []
    for name in sorted(result.tasks):
        devices, start, end = manifest(result, name)["parameters"]["Output"].split("|")
        values.append((devices, float(start), float(end)))
    return values


def test_concurrent_local_tasks_get_their_own_gpus(tmp_path, monkeypatch):
    (a, _, _), (b, _, _) = _gpu_outputs(tmp_path, "0,1,2,3", monkeypatch)
    assert sorted([a, b]) == ["0,1", "2,3"]  # two at a time, none shared


def test_local_tasks_wait_for_gpus_held_by_another(tmp_path, monkeypatch):
    (a, a_start, a_end), (b, b_start, b_end) = _gpu_outputs(tmp_path, "4,7", monkeypatch)
    assert a == b == "4,7"
    assert a_end <= b_start or b_end <= a_start  # one after the other, though two may run at once


def test_tekflow_run_says_when_a_task_wants_gpus_this_machine_lacks(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "run", SAMPLE, "--no-tracking",
                           "--run-dir", str(tmp_path / "run")], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "task 'train' asks for 2 GPU(s) but none are visible here; it runs on the CPU" in proc.stderr


@dsl.pipeline(name="kfp-accelerators")
def kfp_accelerators():
    work(x=1).set_accelerator_type("nvidia.com/gpu").set_accelerator_limit(2).set_display_name("nvidia")
    work(x=2).set_accelerator_type("amd.com/gpu").set_accelerator_limit(1).set_display_name("amd")
    work(x=3).set_accelerator_type("nvidia.com/mig-1g.10gb").set_accelerator_limit(1).set_display_name("mig")
    work(x=4).set_accelerator_type("gpu.intel.com/i915").set_accelerator_limit(1).set_display_name("intel")
    work(x=5).set_display_name("cpu")


def test_kfp_set_accelerator_type_gets_the_gpu_toleration_dsl_gpu_gives():
    """GPU nodes are tainted: a task asking for GPUs with kfp's own set_accelerator_type tolerates the
    taint of the profile's vendor of that resource, as dsl.gpu does; a vendor without taints (intel in
    gfd) and a CPU task get no pod template."""
    tasks, specs = _compile(kfp_accelerators)
    assert _main_limits(tasks["nvidia"]) == {"nvidia.com/gpu": "2"}
    nvidia = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
    amd = {"key": "amd.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
    tolerations = {name: specs[tasks[name].name]["podTemplate"]["tolerations"]
                   for name in ("nvidia", "amd", "mig")}
    assert tolerations == {"nvidia": [nvidia], "amd": [amd], "mig": [nvidia]}
    assert tasks["intel"].name not in specs and tasks["cpu"].name not in specs
    # dsl.gpu on the same resource gives the same toleration
    _, gpu_specs = _compile(gpus)
    assert nvidia in next(iter(gpu_specs.values()))["podTemplate"]["tolerations"]
