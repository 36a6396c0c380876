"""The Python API answers bad input with a TekflowError naming the thing and the fix, before anything
is written or run — never a TypeError, ValueError or OSError from deep inside."""

from pathlib import Path

import pytest

from tekflow import local
from tekflow.compiler import Compiler
from tekflow.errors import TekflowError

QUICKSTART = Path(__file__).resolve().parents[2] / "samples" / "quickstart.py"


def plain_function():
    pass


COMPILE_CASES = {
    "an int as the pipeline": (dict(pipeline_func=42), "cannot compile 42 (a int)"),
    "a plain function": (dict(pipeline_func=plain_function), "decorate it with @dsl.pipeline"),
    "a missing file": (dict(pipeline_func="no-such-pipeline.py"), "no such file"),
    "an unknown parameter": (dict(pipeline_parameters={"nope": 1}), "unknown parameter 'nope'"),
    "a mistyped parameter": (dict(pipeline_parameters={"points": "many"}), "parameter 'points' expects an integer"),
    "an unknown option": (dict(bogus=1), "unknown compile option 'bogus'"),
    "an invalid run name": (dict(run_name="Bad_Name"), "'Bad_Name' is not a valid Kubernetes name"),
    "an invalid namespace": (dict(namespace="Bad NS"), "'Bad NS' is not a valid namespace"),
    "an unsupported pipeline root": (dict(pipeline_root="ftp://x/y"), "unsupported scheme 'ftp'"),
    "a relative file:// root": (dict(pipeline_root="file://rel/dir"), "file://"),
    "a PVC size that is no quantity": (dict(pvc_size="lots"), "not a Kubernetes quantity"),
    "an invalid storage class": (dict(storage_class="Bad Class!"), "not a valid StorageClass name"),
    "an unknown gang scheduler": (dict(gang_scheduler="bogus"), "is not one of kueue"),
    "an unknown profile": (dict(profile="nope"), "cluster profile 'nope'"),
    "an empty launcher image": (dict(launcher_image=""), "is not an image reference"),
    "an experiment that is no name": (dict(experiment=5), "is not an experiment name"),
    "a tracking URI of no scheme": (dict(tracking_uri="bogus"), "is not an MLflow server URI"),
    "a tracking URI with a password": (dict(tracking_uri="http://u:pw@h:5000"), "must not hold credentials"),
    "an invalid tracking secret": (dict(tracking_secret="Not A Secret"), "not a valid Secret name"),
    "a pipeline name not in the file": (dict(pipeline_name="zzz"), "no pipeline named 'zzz'"),
}


@pytest.mark.parametrize("case", sorted(COMPILE_CASES))
def test_compile_refuses_with_a_named_reason(case, tmp_path):
    arguments, needle = COMPILE_CASES[case]
    arguments = {"pipeline_func": str(QUICKSTART), **arguments}
    target = tmp_path / "run.yaml"
    with pytest.raises(TekflowError) as raised:
        Compiler().compile(package_path=str(target), **arguments)
    assert needle in str(raised.value)
    assert not target.exists()  # nothing half-written


RUN_CASES = {
    "an int as the source": (dict(source=42), "cannot compile 42"),
    "a missing file": (dict(source="no-such-pipeline.py"), "no such file"),
    "an unknown parameter": (dict(params={"nope": 1}), "unknown parameter 'nope'"),
    "a timeout that is no duration": (dict(timeout="soon"), "timeout 'soon': not a duration"),
    "a negative timeout": (dict(timeout=-5), "timeout -5"),
    "a NaN timeout": (dict(timeout=float("nan")), "timeout nan"),
    "no TaskRuns at a time": (dict(max_parallel=0), "max_parallel 0"),
    "a fractional parallelism": (dict(max_parallel=1.5), "max_parallel 1.5"),
    "a run directory that is a file": (dict(run_dir="FILE"), "exists and is not a directory"),
    "--pipeline for a single IR": (dict(pipeline_name="zzz"), "no pipeline named 'zzz'"),
}


@pytest.mark.parametrize("case", sorted(RUN_CASES))
def test_local_run_refuses_before_anything_runs(case, tmp_path):
    arguments, needle = RUN_CASES[case]
    arguments = {"source": str(QUICKSTART), "run_dir": tmp_path / "run", **arguments}
    if arguments["run_dir"] == "FILE":
        arguments["run_dir"] = tmp_path / "a-file"
        arguments["run_dir"].write_text("taken")
    with pytest.raises(TekflowError) as raised:
        local.run(**arguments)
    assert needle in str(raised.value)
    assert not (tmp_path / "run").exists()  # refused before the run directory was made
