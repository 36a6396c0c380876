"""The Go harness judges like Tekton: it rejects what Tekton rejects and accepts valid runs."""

import subprocess
from pathlib import Path

import pytest

from tekton_validation import validate_yaml

ROOT = Path(__file__).resolve().parent.parent


def _run(tasks: str, extra: str = "") -> str:
    return f"""apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {{name: harness}}
spec:
  pipelineSpec:
{extra}    tasks:
{tasks}"""


STEP = "        taskSpec:\n          steps:\n            - {name: s, image: busybox, script: 'true'}\n"
VALID = _run("      - name: a\n" + STEP + "      - name: b\n        runAfter: [a]\n" + STEP)


def test_a_valid_pipelinerun_passes():
    report = validate_yaml(VALID)
    assert report.ok, report.errors


@pytest.mark.parametrize("doc, message", [
    (VALID.replace("runAfter: [a]", "runAfter: [a]\n        colour: blue"), "unknown field"),
    (_run("      - name: a\n        runAfter: [b]\n" + STEP + "      - name: b\n        runAfter: [a]\n" + STEP),
     "cycle"),
    (_run("      - name: Not_A_Name\n" + STEP), "invalid value"),
    (_run("      - name: a\n        params: [{name: x, value: $(params.missing)}]\n"
          "        taskSpec:\n          params: [{name: x}]\n          steps:\n"
          "            - {name: s, image: busybox, script: 'echo $(params.x)'}\n"), "non-existent variable"),
    (_run("      - name: a\n        params: [{name: x, value: $(tasks.ghost.results.r)}]\n"
          "        taskSpec:\n          params: [{name: x}]\n          steps:\n"
          "            - {name: s, image: busybox, script: 'echo $(params.x)'}\n"), "ghost"),
])
def test_invalid_documents_are_rejected_with_tektons_message(doc, message):
    report = validate_yaml(doc)
    assert not report.ok
    assert message.lower() in report.errors_text.lower(), report.errors_text


def test_hack_validate_exit_codes(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(VALID)
    bad.write_text(VALID.replace("runAfter: [a]", "runAfter: [zzz]"))
    script = str(ROOT / "hack" / "validate")
    assert subprocess.run([script, str(good)], capture_output=True).returncode == 0
    failed = subprocess.run([script, str(good), str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1 and "FAIL" in failed.stdout
    assert subprocess.run([script, str(tmp_path / "absent.yaml")], capture_output=True).returncode == 2


POD_GROUP = "apiVersion: scheduling.volcano.sh/v1beta1\nkind: PodGroup\nmetadata: {name: run-workers}\n" \
            "spec: {minMember: 4}\n"


def test_pod_groups_beside_a_run_are_checked():
    report = validate_yaml(VALID + "---\n" + POD_GROUP + "---\n" + POD_GROUP.replace(
        "scheduling.volcano.sh/v1beta1", "scheduling.x-k8s.io/v1alpha1"))
    assert report.ok, report.errors
    assert [d.kind for d in report.documents] == ["PipelineRun", "PodGroup", "PodGroup"]


@pytest.mark.parametrize("change, message", [
    (("run-workers", "Run_Workers"), "lowercase rfc 1123 subdomain"),
    (("minMember: 4", "minMember: 0"), "minmember: 0"),
    (("minMember: 4", "minMember: 4, colour: blue"), 'unknown field "spec.colour"'),
    (("minMember: 4", "minMember: 4, priorityClassName: High!"), "spec.priorityclassname"),
])
def test_invalid_pod_groups_are_rejected(change, message):
    report = validate_yaml(POD_GROUP.replace(*change))
    assert not report.ok
    assert message in report.errors_text.lower(), report.errors_text
