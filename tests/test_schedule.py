"""--schedule: a CronJob (and its RBAC) starting runs of the compiled Pipeline. Kubernetes' own
rules for each document are checked by hack/tektonvalidate; the run it starts, on the test
cluster (tests/test_cluster_output.py)."""

import subprocess
import sys

import pytest
import yaml
from kfp import dsl

from corpus_support import ROOT
from tekflow.compiler import Compiler
from tekflow.compiler.emit import to_yaml_documents
from tekflow.compiler.schedule import check_cron
from tekflow.dsl import schedule
from tekflow.errors import TekflowError
from tekton_validation import validate_yaml


@pytest.mark.parametrize("cron", ["0 2 * * *", "*/15 * * * 1-5", "@daily", "0 0 1 jan,jul *", "30 6 * * sun",
                                  "0 0 ? * MON-FRI", "0 12 1-31/2 * 6"])
def test_schedules_kubernetes_accepts(cron):
    assert check_cron(cron) is None


@pytest.mark.parametrize("cron, problem", [
    ("0 25 * * *", "hour '25': 25 is outside 0-23"),
    ("* * *", "expected 5 fields"),
    ("TZ=UTC 0 2 * * *", "give --time-zone instead"),
    ("@fortnightly", "unknown descriptor"),
    ("*/0 * * * *", "step '0' is not a positive number"),
    ("5-1 * * * *", "runs backwards"),
    ("0 0 * foo *", "'foo' is not a number"),
    ("0 0 * * 7", "7 is outside 0-6"),
])
def test_schedules_kubernetes_refuses(cron, problem):
    assert problem in check_cron(cron)


@dsl.component
def work(x: int) -> int:
    return x


@dsl.pipeline(name="Nightly Retrain")
def nightly(x: int = 1):
    schedule(work(x=x), gang="pair")
    schedule(work(x=2), gang="pair")


def _kinds(documents) -> list[str]:
    return [d["kind"] if isinstance(d, dict) else d.kind for d in documents]


def test_a_scheduled_pipeline_validates_and_its_role_allows_what_submit_does():
    documents = Compiler().compile_to_documents(nightly, schedule="0 3 * * *", gang_scheduler="volcano",
                                                time_zone="Europe/Berlin", launcher_image="registry.example/l:1")
    text = to_yaml_documents(documents)
    report = validate_yaml(text)
    assert report.ok, report.errors_text
    data = list(yaml.safe_load_all(text))
    assert _kinds(data) == ["Pipeline", "ServiceAccount", "Role", "RoleBinding", "CronJob"]
    pipeline, account, role, binding, cronjob = data
    name = "nightly-retrain-schedule"
    assert {d["metadata"]["name"] for d in data[1:]} == {name}
    assert binding["roleRef"]["name"] == name and binding["subjects"][0]["name"] == name
    rules = {(tuple(r["apiGroups"]), tuple(r["resources"])): r for r in role["rules"]}
    assert rules[("tekton.dev",), ("pipelines",)]["resourceNames"] == [pipeline["metadata"]["name"]]
    assert rules[("tekton.dev",), ("pipelineruns",)]["verbs"] == ["create"]
    assert rules[("scheduling.volcano.sh",), ("podgroups",)]["verbs"] == ["create"]  # the run's gang
    spec = cronjob["spec"]
    assert (spec["schedule"], spec["timeZone"], spec["concurrencyPolicy"]) == ("0 3 * * *", "Europe/Berlin", "Forbid")
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == name and pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    assert container["image"] == "registry.example/l:1"
    assert container["command"][:4] == ["tekflow", "submit", "--pipeline-ref", "nightly-retrain"]


def test_a_long_pipeline_name_gives_a_cronjob_name_kubernetes_takes():
    documents = Compiler().compile_to_documents(nightly, schedule="@daily", name="n" * 60)
    report = validate_yaml(to_yaml_documents(documents))
    assert report.ok, report.errors_text
    assert len(documents[-1].metadata.name) <= 52


@pytest.mark.parametrize("options, message", [
    ({"schedule": "0 2 * * *", "kind": "pipelinerun"}, "--schedule starts runs of a reusable Pipeline"),
    ({"time_zone": "UTC"}, "--time-zone is the time zone of --schedule"),
    ({"schedule": "61 * * * *"}, "minute '61': 61 is outside 0-59"),
    ({"schedule": "@daily", "time_zone": "Mars/Base"}, "--time-zone 'Mars/Base' is not a time zone"),
])
def test_schedule_mistakes_are_clear_errors(options, message):
    with pytest.raises(TekflowError, match=message):
        Compiler().compile_to_documents(nightly, **options)


def test_cli_schedule_mistake_is_one_line_and_exit_2():
    proc = subprocess.run([sys.executable, "-m", "tekflow.cli.main", "compile", "samples/quickstart.py",
                           "--schedule", "every night"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines()[-1].startswith("error: --schedule 'every night': expected 5 fields")
