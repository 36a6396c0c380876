"""prepare -> main -> publish as real processes, for Python and container components.

Pipelines are built with real kfp, compiled by tekflow, and their steps run here by
tests/runtime_harness.py (a minimal step runner), so values and artifacts must really arrive.
"""

import json
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
