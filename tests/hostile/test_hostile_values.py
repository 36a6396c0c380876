"""Hostile parameter values arrive byte for byte, in a Python and a container component.

One pipeline echoes its string parameter `text` (the 100 KiB value) and each item of `texts`
(every other hostile value, batched through a ParallelFor) back out: as an output parameter and as
an artifact file. It runs through `tekflow run -p` and through `tekflow.local.run`; every output
must equal its input exactly. Placeholders in values are data, never resolved: only the
component's own command and args hold placeholders.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from cli_support import assert_user_error, tekflow
from tekflow import local
from tekflow.compiler import Compiler
from tekflow.errors import TekflowError
from tekflow.runtime.values import MAX_VALUE_BYTES, value_size

PIPELINE = '''
from typing import List, NamedTuple

from tekflow import dsl
from tekflow.dsl import Artifact, Output


@dsl.component(base_image="python:3.11")
def py_echo(text: str, copy: Output[Artifact]) -> str:
    with open(copy.path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return text


@dsl.container_component
def sh_echo(text: str, out: dsl.OutputPath(str), copy: Output[Artifact]):
    return dsl.ContainerSpec(image="alpine:3", command=[
        "sh", "-c", 'mkdir -p "${1%/*}" "${2%/*}" && printf %s "$0" > "$1" && printf %s "$0" > "$2"'],
        args=[text, out, copy.path])


@dsl.pipeline(name="hostile-values")
def hostile_values(text: str, texts: List[str]) -> NamedTuple("Outputs", [("py", str), ("sh", str)]):
    py = py_echo(text=text)
    sh = sh_echo(text=text)
    with dsl.ParallelFor(texts, parallelism=2) as item:
        py_echo(text=item)
        sh_echo(text=item)
    Outputs = NamedTuple("Outputs", [("py", str), ("sh", str)])
    return Outputs(py=py.outputs["Output"], sh=sh.outputs["out"])
'''

HOSTILE = [
    "{{$}}",
    "{{$.inputs.parameters['text']}}",
    "{{$.inputs.parameters['outdir']}}",
    "{{$.pipeline_job_name}}",
    "{{$.pipeline_task_uuid}} {{$.outputs.artifacts['copy'].path}} {{$.outputs.parameters['out'].output_file}}",
    "$(params.text)",
    "$(params.texts[*])",
    "$(context.pipelineRun.name)",
    "$(workspaces.tekflow-io.path)",
    "$(id)",
    "`id`",
    "it's",
    'say "hi"',
    "back\\slash \\\\ \\n \\",
    "line1\nline2\n\n",
    "cr\rcrlf\r\n",
    "tab\there\t",
    "emoji 🙂 👩‍👩‍👧 family",
    "RTL שלום \u202eevil\u202c",
    "combining e\u0301 n\u0303 \u0336",
    "--help",
    "-p",
    "",
    " leading and trailing spaces ",
    "name=value=more",
    "%s %n %%",
    "*",
]


def _large() -> str:
    """100 KiB of text with every kind of hostile fragment in it, within the documented limit."""
    chunk = "|".join(HOSTILE) + "." * 1000
    text = chunk * (100_000 // len(chunk.encode()))
    text += "x" * (100_000 - len(text.encode()))  # exactly 100,000 bytes of UTF-8
    assert len(text.encode()) == 100_000 and value_size(text) <= MAX_VALUE_BYTES
    return text


LARGE = _large()


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pipeline") / "hostile_values.py"
    path.write_text(PIPELINE)
    return path


def _assert_echoed(run_dir: Path, outputs: dict) -> None:
    assert outputs == {"py": LARGE, "sh": LARGE}
    runs = list((run_dir / "workspaces" / "tekflow-artifacts").iterdir())
    assert len(runs) == 1
    for task in ("py-echo", "sh-echo"):
        _assert_task_echoed(runs[0] / task, LARGE)
    for task in ("py-echo-2", "sh-echo-2"):
        for index, value in enumerate(HOSTILE):
            _assert_task_echoed(runs[0] / task / str(index), value)


def _assert_task_echoed(directory: Path, value: str) -> None:
    manifest = json.loads((directory / "_tekflow_outputs.json").read_text())
    where = f"{directory}: {value[:60]!r}"
    assert set(manifest["parameters"].values()) == {value}, where
    (copy,) = manifest["artifacts"]["copy"]
    assert Path(urlparse(copy["uri"]).path).read_bytes() == value.encode(), where


def test_hostile_values_arrive_byte_exact_through_the_cli(source, tmp_path):
    proc = tekflow("run", source, "--no-tracking", "--run-dir", tmp_path / "run", "--output", "json",
                   "-p", f"text={LARGE}", "-p", f"texts={json.dumps(HOSTILE)}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["status"] == "Succeeded"
    _assert_echoed(tmp_path / "run", report["outputs"])


def test_hostile_values_arrive_byte_exact_through_the_python_api(source, tmp_path):
    result = local.run(source, params={"text": LARGE, "texts": HOSTILE}, run_dir=tmp_path / "run")
    assert result.status == "Succeeded", result.summary()
    _assert_echoed(tmp_path / "run", result.outputs)


def test_a_pipelinerun_with_values_at_the_limit_passes_tekton_validation(source):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the validation harness
    from tekton_validation import assert_valid

    at_limit = "v" * MAX_VALUE_BYTES
    assert_valid(Compiler().compile_to_yaml(source, {"text": at_limit, "texts": [LARGE[:50_000]] + HOSTILE}))


# -- the size limit: refused before anything runs, naming the parameter and the limit -------------
TOO_LARGE = "y" * (MAX_VALUE_BYTES + 1)
NOT_UTF8 = "bad \udcff byte"  # what Python makes of a command-line byte that is not UTF-8


def test_a_value_over_the_limit_is_refused_by_compile_and_run_on_the_command_line(source, tmp_path):
    for command in (["compile", source, "-o", tmp_path / "run.yaml"], ["run", source, "--no-tracking"]):
        proc = tekflow(*command, "-p", f"text={TOO_LARGE}", "-p", "texts=[]", cwd=tmp_path)
        assert_user_error(proc, "'text'", str(MAX_VALUE_BYTES + 1), str(MAX_VALUE_BYTES))
    assert not (tmp_path / "run.yaml").exists() and not (tmp_path / "tekflow-runs").exists()


def test_a_value_over_the_limit_is_refused_for_a_tekton_file_too(source, tmp_path):
    compiled = tmp_path / "run.yaml"
    assert tekflow("compile", source, "-o", compiled, "-p", "text=small", "-p", "texts=[]").returncode == 0
    proc = tekflow("run", compiled, "--no-tracking", "-p", f"text={TOO_LARGE}", cwd=tmp_path)
    assert_user_error(proc, "'text'", str(MAX_VALUE_BYTES))
    assert not (tmp_path / "tekflow-runs").exists()


@pytest.mark.parametrize("value, needle", [
    ("z" * 140_000, "140000 bytes"),  # over Linux's 128 KiB per argument: once "Argument list too long"
    (TOO_LARGE, str(MAX_VALUE_BYTES)),
    ('"' * (MAX_VALUE_BYTES // 2 + 1), "bytes"),  # each quote takes two bytes in {{$}}
    ("nul \0 inside", "NUL"),
    (NOT_UTF8, "UTF-8"),
])
def test_a_value_that_cannot_be_passed_is_refused_by_the_python_api(source, tmp_path, value, needle):
    with pytest.raises(TekflowError, match="'text'") as compiled:
        Compiler().compile(source, str(tmp_path / "run.yaml"), pipeline_parameters={"text": value, "texts": []})
    assert needle in str(compiled.value)
    with pytest.raises(TekflowError, match="'text'") as ran:
        local.run(source, params={"text": value, "texts": []}, run_dir=tmp_path / "run")
    assert needle in str(ran.value)
    assert not (tmp_path / "run.yaml").exists() and not (tmp_path / "run").exists()


def test_a_value_that_is_not_utf8_is_refused_on_the_command_line(source, tmp_path):
    proc = tekflow("run", source, "--no-tracking", "-p", f"text={NOT_UTF8}", "-p", "texts=[]", cwd=tmp_path)
    assert_user_error(proc, "'text'", "UTF-8")


LARGE_OUTPUT = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def make() -> str:
    return "w" * 140_000


@dsl.component(base_image="python:3.11")
def take(text: str) -> int:
    return len(text)


@dsl.pipeline(name="large-output")
def large_output():
    take(text=make().output)
'''


def test_a_task_output_too_large_for_a_command_line_fails_prepare_naming_the_input(tmp_path):
    source = tmp_path / "large_output.py"
    source.write_text(LARGE_OUTPUT)
    result = local.run(source, run_dir=tmp_path / "run")
    assert (result.tasks["make"].status, result.tasks["take"].status) == ("Succeeded", "Failed")
    message = result.tasks["take"].message
    assert message.startswith("step 'prepare' exited with code 1"), message
    assert "131071 Linux passes in one argument" in message and "'text' (140002 bytes)" in message


def test_a_constant_too_large_for_the_launchers_command_line_is_refused_at_compile(tmp_path):
    source = tmp_path / "large_constant.py"
    source.write_text(LARGE_OUTPUT.replace("take(text=make().output)", 'take(text="c" * 140_000)'))
    assert_user_error(tekflow("compile", source), "task 'take'", "131071")
