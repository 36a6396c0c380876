"""--kind pipeline: a reusable Pipeline, and the runs `tekflow submit --pipeline-ref` makes of it.

The run made from the Pipeline must be the run `tekflow compile` would have written, with a
pipelineRef instead of the embedded spec: same params, workspaces, pod placement and gangs."""

import json
import subprocess
import sys

import pytest
from kfp import dsl

from corpus_support import ROOT
from tekflow.cluster.submit import name_run, run_of_pipeline
from tekflow.compiler import Compiler, reusable, tekton
from tekflow.compiler.emit import to_yaml_documents
from tekflow.compiler.serde import to_data
from tekflow.errors import TekflowError
from tekflow.dsl import schedule
from tekton_validation import validate_yaml


@dsl.component
def add(a: int, b: int) -> int:
    return a + b


@dsl.pipeline(name="Adder")
def adder(a: int, b: int = 2, scale: float = 1.5, tags: list = ["x"], label: str = "n") -> int:
    return add(a=a, b=b).output


@dsl.component
def work(x: int) -> int:
    return x


@dsl.pipeline(name="gangs")
def gangs():
    for i in (1, 2):
        schedule(work(x=i), gang="shards", queue="team-a")


def _pipeline(func, **options) -> tuple[tekton.Pipeline, list[str]]:
    compiler = Compiler()
    documents = compiler.compile_to_documents(func, kind="pipeline", **options)
    report = validate_yaml(to_yaml_documents(documents))
    assert report.ok, report.errors_text
    (pipeline,) = [d for d in documents if isinstance(d, tekton.Pipeline)]
    assert not any(isinstance(d, tekton.PipelineRun) for d in documents)
    return pipeline, compiler.warnings


def test_a_pipeline_keeps_required_parameters_open_and_takes_p_as_defaults():
    pipeline, _ = _pipeline(adder, pipeline_parameters={"b": "5", "tags": '["y", "z"]'})
    assert pipeline.metadata.name == "adder"
    defaults = {p.name: p.default for p in pipeline.spec.params}
    assert defaults == {"a": None, "b": "5", "scale": "1.5", "tags": '["y","z"]', "label": "n"}
    template, parameters = reusable.read_pipeline(to_data(pipeline))
    assert [(p.name, p.type, p.required) for p in parameters] == [
        ("a", "NUMBER_INTEGER", True), ("b", "NUMBER_INTEGER", False), ("label", "STRING", False),
        ("scale", "NUMBER_DOUBLE", False), ("tags", "LIST", False)]
    assert {w.name for w in template.workspaces} == {w.name for w in pipeline.spec.workspaces}
    # a required parameter given a default with -p is one a run may leave out
    pipeline, _ = _pipeline(adder, pipeline_parameters={"a": "1"})
    assert [p.name for p in reusable.read_pipeline(to_data(pipeline))[1] if p.required] == []
    assert run_of_pipeline(to_data(pipeline), []).pipelinerun["spec"].get("params", []) == []


def test_the_run_of_a_pipeline_is_the_run_compile_writes():
    values = {"a": "40", "scale": "2", "tags": "[1, 2]"}
    compiled = Compiler().compile_to_pipelinerun(adder, pipeline_parameters=values)
    pipeline, _ = _pipeline(adder)
    submission = run_of_pipeline(to_data(pipeline), [f"{k}={v}" for k, v in values.items()])
    run = submission.pipelinerun
    assert run["spec"]["pipelineRef"] == {"name": "adder"} and "pipelineSpec" not in run["spec"]
    expected = to_data(compiled.spec)
    for field in ("params", "workspaces"):
        assert sorted(run["spec"][field], key=lambda p: p["name"]) == \
            sorted(expected[field], key=lambda p: p["name"]), field
    assert run["metadata"]["generateName"] == "adder-"
    assert validate_yaml(to_yaml_documents([run, to_data(pipeline)])).ok


@pytest.mark.parametrize("params, message", [
    ([], "required parameter 'a' (an integer) has no value: give -p a=VALUE"),
    (["a=1", "nope=2"], "Pipeline adder: unknown parameter 'nope'; its parameters are: a, b, label, scale, tags"),
    (["a=one"], "parameter 'a' expects an integer"),
])
def test_run_values_are_checked_against_the_pipelines_parameters(params, message):
    pipeline, _ = _pipeline(adder)
    with pytest.raises(TekflowError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_of_pipeline(to_data(pipeline), params)


def test_a_pipeline_tekflow_did_not_compile_gets_tekton_values():
    found = {"metadata": {"name": "plain"}, "spec": {"params": [{"name": "items", "type": "array"},
                                                                {"name": "mode", "default": "fast"}]}}
    run = run_of_pipeline(found, ["items=[\"a\", \"b\"]", "mode=slow"]).pipelinerun
    assert run["spec"]["params"] == [{"name": "items", "value": ["a", "b"]}, {"name": "mode", "value": "slow"}]
    with pytest.raises(TekflowError, match="'items'"):
        run_of_pipeline(found, [])
    found["spec"]["workspaces"] = [{"name": "source"}]
    with pytest.raises(TekflowError, match=r"declares workspaces tekflow does not know how to bind \(source\)"):
        run_of_pipeline(found, ["items=[]"])


@pytest.mark.parametrize("scheduler, key", [("volcano", "scheduling.k8s.io/group-name"),
                                            ("coscheduling", "scheduling.x-k8s.io/pod-group"),
                                            ("kueue", "kueue.x-k8s.io/pod-group-name")])
def test_each_run_of_a_gang_pipeline_has_its_own_pod_groups(scheduler, key):
    pipeline, warnings = _pipeline(gangs, gang_scheduler=scheduler)
    assert any("tekflow submit --pipeline-ref" in w for w in warnings)
    runs = []
    for name in ("nightly-1", "nightly-2"):
        submission = run_of_pipeline(to_data(pipeline), [], run_name=name)
        run = submission.pipelinerun
        assert run["metadata"]["name"] == name
        values = {m.get(key) for s in run["spec"]["taskRunSpecs"]
                  for m in (s["metadata"].get("labels", {}), s["metadata"].get("annotations", {}))} - {None}
        assert values == {f"{name}-shards"}
        groups = [d for d in submission.documents if d["kind"] == "PodGroup"]
        if scheduler == "kueue":
            assert groups == []  # Kueue makes its own
        else:
            assert [g["metadata"]["name"] for g in groups] == [f"{name}-shards"]
            assert groups[0]["spec"]["minMember"] == 2
            if scheduler == "volcano":
                assert groups[0]["spec"]["queue"] == "team-a"
        assert json.loads(run["metadata"]["annotations"][reusable.GANGS_ANNOTATION]) == {f"{name}-shards": "shards"}
        runs.append(submission)
        report = validate_yaml(to_yaml_documents(submission.documents))
        assert report.ok, report.errors_text
    # a name chosen here (a collision retried) renames them again
    name_run(runs[0], prefix="gangs-")
    assert runs[0].pipelinerun["metadata"]["name"].startswith("gangs-")
    assert json.loads(runs[0].pipelinerun["metadata"]["annotations"][reusable.GANGS_ANNOTATION]) == {
        f"{runs[0].pipelinerun['metadata']['name']}-shards": "shards"}


def test_a_gang_asking_for_two_queues_is_refused():
    @dsl.pipeline(name="two-queues")
    def two_queues():
        schedule(work(x=1), gang="g", queue="a")
        schedule(work(x=2), gang="g", queue="b")

    with pytest.raises(TekflowError, match=r"gang 'g': its tasks ask for different queues \(a, b\)"):
        Compiler().compile_to_documents(two_queues)


def test_coscheduling_without_a_scheduler_name_warns():
    compiler = Compiler()
    compiler.compile_to_documents(gangs, gang_scheduler="coscheduling", run_name="r1")
    assert any("default scheduler" in w and "scheduler_name" in w for w in compiler.warnings)


def _tekflow(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tekflow.cli.main", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_cli_writes_a_pipeline_and_says_how_to_start_it(tmp_path):
    out = tmp_path / "pipeline.yaml"
    proc = _tekflow("compile", "samples/quickstart.py", "--kind", "pipeline", "--name", "nightly", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "tekflow submit --pipeline-ref nightly" in proc.stderr and "tkn pipeline start nightly" in proc.stderr
    report = validate_yaml(out.read_text())
    assert report.ok and [d.kind for d in report.documents] == ["Pipeline"]


@pytest.mark.parametrize("args, says", [
    (["--kind", "pipeline", "--run-name", "r"], "--run-name belongs to a run, not to a reusable Pipeline"),
    (["--kind", "pipeline", "--timeout", "2h"], "tekflow submit --pipeline-ref NAME --run-timeout"),
    (["--kind", "pipeline", "--service-account", "sa"], "--service-account belongs to a run"),
    (["--name", "x"], "--name names the Pipeline of --kind pipeline"),
    (["--kind", "pipeline", "--name", "Not_A_Name"], "--name 'Not_A_Name' is not a valid Kubernetes name"),
    (["--kind", "job"], "Invalid value for '--kind'"),
])
def test_run_options_on_a_pipeline_are_one_error_line(args, says):
    proc = _tekflow("compile", "samples/quickstart.py", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert says in proc.stderr and "Traceback" not in proc.stderr


def test_submit_needs_a_source_or_a_pipeline_ref_and_not_both():
    for args in ([], ["samples/quickstart.py", "--pipeline-ref", "p"]):
        proc = _tekflow("submit", *args)
        assert proc.returncode == 2 and "give either SOURCE" in proc.stderr
    proc = _tekflow("submit", "--pipeline-ref", "p", "--pipeline-root", "s3://b")
    assert proc.returncode == 2 and "already compiled" in proc.stderr


def test_a_pipeline_with_task_documents_names_tasks_tekton_accepts():
    documents = Compiler().compile_to_documents(adder, kind="pipeline", task_documents=True)
    report = validate_yaml(to_yaml_documents(documents))
    assert report.ok, report.errors_text
    assert [d.kind for d in report.documents] == ["Task", "Pipeline"]
    (pipeline,) = [d for d in documents if isinstance(d, tekton.Pipeline)]
    assert all(t.task_ref is not None and t.task_spec is None for t in pipeline.spec.tasks)
