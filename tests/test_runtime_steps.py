"""prepare -> main -> publish as real processes, for Python and container components.

Pipelines are built with real kfp, compiled by tekflow, and their steps run here by
tests/runtime_harness.py (a minimal step runner), so values and artifacts must really arrive.
"""

import json
import subprocess
import sys
from typing import Dict, List, NamedTuple

import pytest

from runtime_harness import run_pipelinerun
from tekflow import dsl
from tekflow.compiler import Compiler
from tekflow.dsl import Artifact, Dataset, Input, Metrics, Model, Output

SPECIAL = "quote ' \" $(context.pipelineRun.name) $(params.x) `id` ünï\nline2\n"


@dsl.component(base_image="python:3.11")
def make(n: int, ratio: float, flag: bool, tags: List[str], conf: Dict[str, int], text: str,
         data: Output[Dataset], model: Output[Model]) -> NamedTuple("Out", [("count", int), ("label", str)]):
    import json
    from typing import NamedTuple
    with open(data.path, "w") as f:
        f.write("row\n" * n)
    data.metadata["rows"] = n
    with open(model.path, "w") as f:
        json.dump({"ratio": ratio, "flag": flag, "tags": tags, "conf": conf, "text": text}, f)
    Out = NamedTuple("Out", [("count", int), ("label", str)])
    return Out(n * 2, text)


@dsl.component(base_image="python:3.11")
def check(data: Input[Dataset], model: Input[Model], count: int, label: str, metrics: Output[Metrics]) -> str:
    import json
    rows = open(data.path).read().count("row")
    params = json.load(open(model.path))
    metrics.log_metric("rows", rows)
    return json.dumps({"rows": rows, "meta": data.metadata.get("rows"), "count": count, "label": label, **params},
                      sort_keys=True)


@dsl.container_component
def shout(word: str, times: int, out: dsl.OutputPath(str), copy: Output[Artifact]):
    return dsl.ContainerSpec(
        image="alpine:3",
        command=["sh", "-c", 'i=0; r=""; while [ $i -lt "$1" ]; do r="$r$0"; i=$((i+1)); done; '
                             'printf %s "$r" > "$2"; printf %s "$r" > "$3"'],
        args=[word, times, out, copy.path],
    )


@dsl.container_component
def maybe(prefix: str, out: dsl.OutputPath(str), suffix: str = ""):
    return dsl.ContainerSpec(
        image="alpine:3",
        command=["sh", "-c", 'printf %s "$0" > "$1"'],
        args=[dsl.ConcatPlaceholder([prefix, dsl.IfPresentPlaceholder(input_name="suffix",
                                                                     then=dsl.ConcatPlaceholder(["-", suffix]))]), out],
    )


@dsl.component(base_image="python:3.11")
def read(copy: Input[Artifact], said: str) -> str:
    return open(copy.path).read() + "|" + said


@dsl.pipeline(name="values-and-artifacts")
def values_and_artifacts(n: int = 3, ratio: float = 0.5, flag: bool = True, tags: List[str] = ["a", "b"],
                         conf: Dict[str, int] = {"k": 1}, text: str = SPECIAL) -> str:
    m = make(n=n, ratio=ratio, flag=flag, tags=tags, conf=conf, text=text)
    return check(data=m.outputs["data"], model=m.outputs["model"], count=m.outputs["count"],
                 label=m.outputs["label"]).outputs["Output"]


@dsl.pipeline(name="containers")
def containers(word: str = "ab") -> str:
    s = shout(word=word, times=3)
    maybe(prefix="p").set_display_name("without-suffix")
    maybe(prefix="p", suffix="s").set_display_name("with-suffix")
    return read(copy=s.outputs["copy"], said=s.outputs["out"]).output


def _run(func, tmp_path, **params):
    run = Compiler().compile_to_pipelinerun(func, pipeline_parameters=params or None)
    return run, run_pipelinerun(run, tmp_path)


def test_every_parameter_type_and_artifacts_arrive(tmp_path):
    run, out = _run(values_and_artifacts, tmp_path)
    assert set(out.status.values()) == {"Succeeded"}, out.logs
    got = json.loads(out.outputs["Output"])
    assert got == {"rows": 3, "meta": 3, "count": 6, "label": SPECIAL, "ratio": 0.5, "flag": True,
                   "tags": ["a", "b"], "conf": {"k": 1}, "text": SPECIAL}


def test_manifest_records_artifact_uris_metadata_and_values(tmp_path):
    run, out = _run(values_and_artifacts, tmp_path, n=2)
    manifest = out.manifest("make")
    assert manifest["parameters"] == {"count": 4, "label": SPECIAL}
    (data,) = manifest["artifacts"]["data"]
    assert data["metadata"] == {"rows": 2} and data["type"]["schemaTitle"] == "system.Dataset"
    assert data["uri"] == f"file://{out.store}/run-1/make/data"
    assert (out.store / "run-1" / "make" / "data").read_text() == "row\n" * 2
    metrics = out.manifest("check")["artifacts"]["metrics"][0]
    assert metrics["metadata"] == {"rows": 2}


def test_container_components_placeholders_and_output_files(tmp_path):
    run, out = _run(containers, tmp_path)
    assert set(out.status.values()) == {"Succeeded"}, out.logs
    assert out.outputs["Output"] == "ababab|ababab"
    tasks = {t.display_name: t.name for t in run.spec.pipeline_spec.tasks}
    assert out.manifest(tasks["without-suffix"])["parameters"]["out"] == "p"
    assert out.manifest(tasks["with-suffix"])["parameters"]["out"] == "p-s"


@dsl.component(base_image="python:3.11")
def big(n: int) -> str:
    return "x" * n


@dsl.component(base_image="python:3.11")
def length(s: str) -> int:
    return len(s)


@dsl.pipeline(name="spill")
def spill(n: int = 5000) -> int:
    return length(s=big(n=n).output).output


def test_a_large_output_is_spilled_and_still_read_exactly(tmp_path):
    run, out = _run(spill, tmp_path)
    assert out.results["big"]["Output"] == "tekflow:spilled"
    assert out.outputs["Output"] == "5000"


def test_small_outputs_stay_in_results(tmp_path):
    run, out = _run(spill, tmp_path, n=10)
    assert out.results["big"]["Output"] == "x" * 10


@dsl.component(base_image="python:3.11")
def fail(code: int) -> str:
    import sys
    sys.exit(code)


@dsl.container_component
def partial(out: dsl.OutputPath(str), never: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine:3", command=["sh", "-c", 'printf kept > "$0"; exit 3'], args=[out, never])


@dsl.container_component
def forgets(out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine:3", command=["sh", "-c", "true"], args=[out])


@dsl.pipeline(name="failing")
def failing():
    partial()


@dsl.pipeline(name="forgetful")
def forgetful():
    forgets()


def test_failing_main_keeps_partial_outputs_and_fails_with_its_exit_code(tmp_path):
    run, out = _run(failing, tmp_path)
    assert out.status["partial"] == "Failed"
    assert "--- publish (3)" in out.logs["partial"]
    manifest = out.manifest("partial")
    assert manifest["parameters"] == {"out": "kept"}
    assert manifest["error"] == "the main step exited with code 3"


def test_a_declared_output_never_written_fails_the_task(tmp_path):
    run, out = _run(forgetful, tmp_path)
    assert out.status["forgets"] == "Failed"
    assert "did not write its output 'out'" in out.logs["forgets"]


def test_local_runs_never_pip_install(tmp_path):
    run, out = _run(spill, tmp_path, n=1)
    argv_files = list(tmp_path.glob("*/io/argv/*"))
    assert argv_files and not any("pip install" in p.read_text() for p in argv_files)


@dsl.component(base_image="python:3.11")
def echo(s: str) -> str:
    return s


@dsl.pipeline(name="fstring")
def fstring(who: str = "world") -> str:
    first = echo(s=who)
    return echo(s=f"hello {first.output}!").output


def test_fstring_constants_resolve_against_upstream_values(tmp_path):
    run, out = _run(fstring, tmp_path)
    assert out.outputs["Output"] == "hello world!"


@dsl.component(base_image="python:3.11")
def spill_word() -> str:
    return "tekflow:spilled"


@dsl.component(base_image="python:3.11")
def exclaim(s: str) -> str:
    return s + "!"


@dsl.pipeline(name="sentinel")
def sentinel() -> str:
    return exclaim(s=spill_word().output).output


def test_a_real_value_equal_to_the_sentinel_is_spilled_and_read_exactly(tmp_path):
    run, out = _run(sentinel, tmp_path)
    assert out.results["spill-word"]["Output"] == "tekflow:spilled"
    assert out.manifest("spill-word")["parameters"]["Output"] == "tekflow:spilled"
    assert out.outputs["Output"] == "tekflow:spilled!"


@dsl.component(base_image="python:3.11")
def rows(n: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write("".join(f"r{i}\n" for i in range(n)))


@dsl.container_component
def count_lines(data: Input[Dataset], lines: dsl.OutputPath(int), ratio: dsl.OutputPath(float)):
    # an int written as 3.0 still arrives as an int
    return dsl.ContainerSpec(image="alpine:3", command=["sh", "-c", 'n=$(wc -l < "$0"); printf "%s.0" $n > "$1"; '
                                                                     'printf "%s" $n > "$2"'],
                             args=[data.path, lines, ratio])


@dsl.component(base_image="python:3.11")
def describe(lines: int, ratio: float) -> str:
    return f"{type(lines).__name__}:{lines} {type(ratio).__name__}:{ratio}"


@dsl.pipeline(name="artifact-path")
def artifact_path(n: int = 3) -> str:
    counted = count_lines(data=rows(n=n).outputs["data"])
    return describe(lines=counted.outputs["lines"], ratio=counted.outputs["ratio"]).output


def test_container_input_artifact_path_and_typed_output_files(tmp_path):
    run, out = _run(artifact_path, tmp_path, n=4)
    assert set(out.status.values()) == {"Succeeded"}, out.logs
    assert out.manifest("count-lines")["parameters"] == {"lines": 4, "ratio": 4.0}
    assert out.results["count-lines"] == {"lines": "4", "ratio": "4.0"}
    assert out.outputs["Output"] == "int:4 float:4.0"


@dsl.container_component
def greet(out: dsl.OutputPath(str), name: str = "anon", times: int = 2, extra: str = ""):
    return dsl.ContainerSpec(
        image="alpine:3", command=["sh", "-c", 'printf "%s|%s|%s" "$1" "$2" "$3" > "$0"'],
        args=[out, name, times, dsl.IfPresentPlaceholder(input_name="extra", then=["given"], else_=["not-given"])])


@dsl.pipeline(name="defaults")
def defaults():
    greet().set_display_name("bare")
    greet(name="bo", extra="x").set_display_name("given")


def test_container_placeholders_of_inputs_not_given_take_their_defaults(tmp_path):
    run, out = _run(defaults, tmp_path)
    assert set(out.status.values()) == {"Succeeded"}, out.logs
    tasks = {t.display_name: t.name for t in run.spec.pipeline_spec.tasks}
    assert out.manifest(tasks["bare"])["parameters"]["out"] == "anon|2|not-given"
    assert out.manifest(tasks["given"])["parameters"]["out"] == "bo|2|given"


@dsl.component(base_image="python:3.11")
def train(epochs: int, model: Output[Model], report: Output[Artifact]):
    import os
    os.makedirs(model.path)
    for name in ("weights.bin", "config.json"):
        with open(os.path.join(model.path, name), "w") as f:
            f.write(f"{name}:{epochs}")
    with open(report.path, "w") as f:
        f.write("report")
    model.metadata["epochs"] = epochs


@dsl.component(base_image="python:3.11")
def evaluate(model: Input[Model], report: Input[Artifact]) -> str:
    import os
    files = sorted(os.listdir(model.path))
    return ";".join([f"{n}={open(os.path.join(model.path, n)).read()}" for n in files]
                    + [open(report.path).read(), str(model.metadata["epochs"])])


@dsl.pipeline(name="remote")
def remote(epochs: int = 2) -> str:
    trained = train(epochs=epochs)
    return evaluate(model=trained.outputs["model"], report=trained.outputs["report"]).output


def test_a_remote_store_gets_uploads_and_consumers_download(tmp_path):
    # fsspec's local:// is not used in place: prepare downloads and publish uploads, as with s3://
    run = Compiler().compile_to_pipelinerun(remote, pipeline_root="s3://bucket/root")
    out = run_pipelinerun(run, tmp_path, store_root=f"local://{tmp_path}/store")
    assert set(out.status.values()) == {"Succeeded"}, out.logs
    assert out.outputs["Output"] == "config.json=config.json:2;weights.bin=weights.bin:2;report;2"
    (model,) = out.manifest("train")["artifacts"]["model"]
    assert model["uri"] == f"local://{tmp_path}/store/run-1/train/model"
    assert model["metadata"] == {"epochs": 2}
    assert (out.store / "run-1" / "train" / "model" / "weights.bin").read_text() == "weights.bin:2"
    assert (out.store / "run-1" / "train" / "report").read_text() == "report"
    # the components worked on copies under their io dirs
    assert list(tmp_path.glob("train-0/io/artifacts/outputs/model/weights.bin"))
    assert list(tmp_path.glob("evaluate-0/io/artifacts/inputs/model/0/*/weights.bin"))


def _launcher(args, **kwargs):
    return subprocess.run([sys.executable, "-m", "tekflow.runtime", *args], capture_output=True, text=True, **kwargs)


def _step_args(run, task_name, step_name):
    (task,) = [t for t in run.spec.pipeline_spec.tasks if t.name == task_name]
    (step,) = [s for s in task.task_spec.steps if s.name == step_name]
    return list(step.args)


def _set(args, flag, value):
    args[args.index(flag) + 1] = value
    return args


def test_usage_mistakes_are_one_line_errors():
    proc = _launcher(["prepare", "--spec", "{}"])
    assert proc.returncode == 2
    assert proc.stderr.startswith("tekflow launcher: error: ") and proc.stderr.count("\n") == 1
    assert "--io-dir" in proc.stderr and "usage" not in proc.stderr


def test_a_spill_sentinel_without_the_producers_manifest_is_a_clear_error(tmp_path):
    run = Compiler().compile_to_pipelinerun(spill)
    args = _step_args(run, "length", "prepare")
    _set(args, "--io-dir", str(tmp_path / "io"))
    _set(args, "--pipeline-root", f"file://{tmp_path}/store")
    _set(args, "--run", "r")
    (param,) = [a for a in args if a.startswith("s=$(params.")]  # the task param holds big's result
    args[args.index(param)] = "s=tekflow:spilled"
    args = [a.replace("$(context.pipelineRun.uid)", "u").replace("$(context.task.retry-count)", "0") for a in args]
    proc = _launcher(["prepare", *args])
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("tekflow launcher: error: input 's': ") and "spilled" in proc.stderr


def test_publish_without_an_exit_code_counts_main_as_failed(tmp_path):
    run = Compiler().compile_to_pipelinerun(spill)
    common = {"--io-dir": str(tmp_path / "io"), "--pipeline-root": f"file://{tmp_path}/store", "--run": "r"}
    prepare = _step_args(run, "big", "prepare")
    for flag, value in common.items():
        _set(prepare, flag, value)
    prepare = [a.replace("$(params.n)", "7").replace("$(context.pipelineRun.uid)", "u")
               .replace("$(context.task.retry-count)", "0") for a in prepare]
    assert _launcher(["prepare", *prepare]).returncode == 0
    publish = _step_args(run, "big", "publish")
    for flag, value in common.items():
        _set(publish, flag, value)
    _set(publish, "--exit-code-file", str(tmp_path / "never-written"))
    result = tmp_path / "result"
    (with_result,) = [a for a in publish if a.startswith("Output=")]
    publish[publish.index(with_result)] = f"Output={result}"
    proc = _launcher(["publish", *publish])
    assert proc.returncode == 1
    assert "left no exit code" in proc.stderr
    manifest = json.loads((tmp_path / "store/r/big/_tekflow_outputs.json").read_text())
    assert manifest["error"] == "the main step exited with code 1" and manifest["parameters"] == {}
    assert result.read_text() == ""


def test_run_placeholders_kfp_local_leaves_to_the_backend(tmp_path):
    """Creation/schedule time and resource name, in a Python component's inputs and a container
    component's args: one time for the whole run, the PipelineRun's name."""
    import re

    from kfp import dsl as kfp_dsl

    from tekflow import dsl, local

    @dsl.component(base_image="python:3.11")
    def show(created: str, scheduled: str, resource: str, name: str) -> str:
        return "|".join([created, scheduled, resource, name])

    @dsl.container_component
    def echo_created(out: dsl.OutputPath(str)):
        return dsl.ContainerSpec(image="alpine", command=["sh", "-c", 'mkdir -p "$(dirname "$1")"; printf "%s" "$0" > "$1"'],
                                 args=[kfp_dsl.PIPELINE_JOB_CREATE_TIME_UTC_PLACEHOLDER, out])

    @dsl.pipeline(name="placeholders")
    def placeholders() -> str:
        a = show(created=kfp_dsl.PIPELINE_JOB_CREATE_TIME_UTC_PLACEHOLDER,
                 scheduled=kfp_dsl.PIPELINE_JOB_SCHEDULE_TIME_UTC_PLACEHOLDER,
                 resource=kfp_dsl.PIPELINE_JOB_RESOURCE_NAME_PLACEHOLDER, name=kfp_dsl.PIPELINE_JOB_NAME_PLACEHOLDER)
        b = echo_created()
        return show(created=a.output, scheduled=b.output, resource="", name="").output

    result = local.run(placeholders, run_dir=tmp_path / "run")
    assert result.status == "Succeeded", result.summary()
    created, scheduled, resource, name, other_task_created, _, _ = result.outputs["Output"].split("|")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)
    assert scheduled == other_task_created == created  # one creation time for every task of the run
    assert resource == name == result.name
