"""User mistakes get one clear `error:` line, exit code 2, and no traceback (CLI subprocesses)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = str(ROOT / "samples" / "quickstart.py")

TWO = '''
from tekflow import dsl

@dsl.component(base_image="python:3.11")
def c() -> int:
    return 1

@dsl.pipeline(name="one")
def one():
    c()

@dsl.pipeline(name="two")
def two():
    c()
'''

FILES = {
    "nopipe.py": "x = 1\n",
    "two.py": TWO,
    "syntax.py": "from tekflow import dsl\n\ndef broken(:\n    pass\n",
    "raises.py": "import json\nraise RuntimeError('boom at import')\n",
    "random.yaml": "just: data\n",
    "bad.yaml": "a: 1\nb: [2\n",
    "bad.json": '{"a": ',
    "required.py": '''
from tekflow import dsl

@dsl.component(base_image="python:3.11")
def add(a: int, b: float) -> float:
    return a + b

@dsl.pipeline(name="required")
def required(a: int, b: float, c: str = "x", d: int = 1):
    add(a=a, b=b)
''',
    "tekton.yaml": "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: x}\nspec: {pipelineSpec: {tasks: []}}\n",
    "artifact_loop.py": '''
from typing import List
from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output

@dsl.component(base_image="python:3.11")
def make(out: Output[Dataset]):
    pass

@dsl.pipeline(name="artifact-input")
def artifact_input(data: Input[Dataset]):
    make()
''',
}


@pytest.fixture
def workdir(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    return tmp_path


CASES = [
    (["missing.py"], "missing.py: no such file"),
    (["."], "is a directory"),
    (["nopipe.py"], "no @dsl.pipeline found"),
    (["two.py"], "2 pipelines in this file (one, two); choose one with --pipeline NAME"),
    (["two.py", "--pipeline", "three"], "no pipeline named 'three'; pipelines in this file: one, two"),
    (["syntax.py"], "syntax.py:3: syntax error"),
    (["raises.py"], "raises.py:2: RuntimeError: boom at import"),
    ([QUICKSTART, "-p", "nope=1"], "unknown parameter 'nope'; the pipeline's parameters are: noise, points"),
    ([QUICKSTART, "-p", "points=abc"], "parameter 'points' expects an integer"),
    ([QUICKSTART, "-p", "noise=[1]"], "parameter 'noise' expects a number"),
    ([QUICKSTART, "-p", "points"], "expected NAME=VALUE"),
    (["random.yaml"], "not a KFP IR file"),
    (["bad.yaml"], "not valid YAML/JSON"),
    (["bad.json"], "not valid YAML/JSON"),
    (["tekton.yaml"], "this is a Tekton PipelineRun, not KFP IR"),
    ([QUICKSTART, "--pipeline-root", "ftp://host/x"], "unsupported scheme 'ftp'"),
    ([QUICKSTART, "--pvc-size", "lots"], "--pvc-size 'lots' is not a Kubernetes quantity"),
    ([QUICKSTART, "--run-name", "Bad_Name"], "--run-name 'Bad_Name' is not a valid Kubernetes name"),
    ([QUICKSTART, "--namespace", "Bad_NS"], "--namespace 'Bad_NS' is not a valid namespace"),
    (["artifact_loop.py"], "not supported yet: artifact inputs of the pipeline itself"),
    ([QUICKSTART, "-p", "points=3", "-p", "points=4"], "-p points: given twice ('3' and '4'); give it once"),
    (["tekton.yaml", "--pipeline", "one"], "leave --pipeline out"),
    (["required.py"], "required parameters 'a' (an integer), 'b' (a number) have no value: "
                      "give -p a=VALUE -p b=VALUE"),
    (["required.py", "-p", "a=1"], "required parameter 'b' (a number) has no value: give -p b=VALUE"),
    ([QUICKSTART, "--timeout", "soon"], "--timeout 'soon' is not a duration"),
    ([QUICKSTART, "--timeout", "-1h"], "--timeout '-1h' is not a duration"),
    ([QUICKSTART, "--service-account", "Bad SA"], "--service-account 'Bad SA' is not a valid ServiceAccount name"),
]


@pytest.mark.parametrize("args, message", CASES, ids=[" ".join(a).replace(QUICKSTART, "quickstart") for a, _ in CASES])
def test_user_mistake_gives_one_clear_error(workdir, args, message):
    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "compile", *args, "-o", "out.yaml"],
                          cwd=workdir, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (workdir / "out.yaml").exists()


def test_choosing_one_of_two_pipelines_works(workdir):
    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "compile", "two.py", "--pipeline", "two"],
                          cwd=workdir, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "generateName: two-" in proc.stdout


def test_python_api_raises_the_same_errors(workdir):
    from tekflow.compiler import Compiler
    from tekflow.errors import TekflowError

    with pytest.raises(TekflowError, match="unknown parameter 'nope'"):
        Compiler().compile(QUICKSTART, str(workdir / "x.yaml"), pipeline_parameters={"nope": 1})
    with pytest.raises(TekflowError, match="expects an integer"):
        Compiler().compile(QUICKSTART, str(workdir / "x.yaml"), pipeline_parameters={"points": "many"})


@pytest.mark.parametrize("args, message", [
    (["compile", QUICKSTART, "-o", "/nonexistent-dir/run.yaml"], "/nonexistent-dir/run.yaml: No such file or directory"),
    (["run", QUICKSTART, "--no-tracking", "--run-dir", "/proc/tekflow-run"], "/proc/tekflow-run"),
    (["run", QUICKSTART, "--max-parallel", "0"], "--max-parallel"),
    (["compile", QUICKSTART, "--gang-scheduler", "slurm"], "'slurm' is not one of"),
])
def test_unusable_paths_and_bad_option_values_are_one_error_line(tmp_path, args, message):
    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert message in proc.stderr and "internal error" not in proc.stderr


def test_a_pipelinerun_too_large_for_the_api_server_is_warned_about():
    from tekflow import dsl
    from tekflow.compiler import Compiler

    @dsl.component(base_image="python:3.11")
    def step(x: int) -> int:
        return x + 1

    @dsl.pipeline(name="wide")
    def wide():
        for i in range(220):  # about 5 KB of JSON each
            step(x=i)

    compiler = Compiler()
    compiler.compile_to_yaml(wide)
    (warning,) = [w for w in compiler.warnings if "MiB" in w]
    assert "the API server keeps objects up to about 1.5 MiB" in warning
    compiler.compile_to_yaml(step, {"x": 1})  # one task: far from the limit
    assert not [w for w in compiler.warnings if "MiB" in w]


def test_timeout_and_service_account_reach_the_run(workdir):
    """--timeout is the run's timeouts.pipeline and --service-account its pods' ServiceAccount; both pass
    Tekton's validation (a required parameter given with -p compiles)."""
    import yaml

    from tekton_validation import validate_files

    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "compile", "required.py", "-p", "a=1",
                           "-p", "b=2.5", "--timeout", "2h", "--service-account", "trainer", "-o", "run.yaml"],
                          cwd=workdir, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    spec = yaml.safe_load((workdir / "run.yaml").read_text())["spec"]
    assert spec["timeouts"] == {"pipeline": "2h"}
    assert spec["taskRunTemplate"] == {"serviceAccountName": "trainer"}
    assert {"name": "a", "value": "1"} in spec["params"]
    report = validate_files([workdir / "run.yaml"])
    assert report.documents[0].ok, report.documents[0].errors


def test_an_internal_error_is_one_line_and_exit_70_never_an_outcome_code():
    """A bug of tekflow's must not read as a failed (1), refused (2) or timed-out (3) run to CI."""
    script = ("import sys\nfrom tekflow.compiler import Compiler\n"
              "def boom(*a, **k):\n    raise RuntimeError('boom')\n"
              "Compiler.compile_to_documents = boom\n"
              "from tekflow.cli.main import main\nsys.argv = ['tekflow', 'compile', 'samples/quickstart.py']\nmain()\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 70
    assert proc.stderr.strip().splitlines() == [
        "error: internal error (RuntimeError: boom); run again with TEKFLOW_DEBUG=1 for the traceback and report it"]
