"""samples/quickstart.py on the real test cluster: Tekton's own controller runs it to Succeeded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cluster_fixtures import wait_for_run

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.cluster
def test_quickstart_succeeds_on_tekton(test_cluster, tmp_path):
    out = tmp_path / "run.yaml"
    subprocess.run([sys.executable, "-m", "tekflow.cli.main", "compile", str(ROOT / "samples" / "quickstart.py"), "-o", str(out)],
                   check=True, cwd=tmp_path)
    run = yaml.safe_load(out.read_text())
    custom = test_cluster.custom()
    created = custom.create_namespaced_custom_object("tekton.dev", "v1", "default", "pipelineruns", run)
    name = created["metadata"]["name"]

    done = wait_for_run(custom, "default", name, timeout_s=600)

    cond = next(c for c in done["status"]["conditions"] if c["type"] == "Succeeded")
    assert (cond["status"], cond["reason"]) == ("True", "Succeeded"), cond
    taskruns = custom.list_namespaced_custom_object(
        "tekton.dev", "v1", "default", "taskruns", label_selector=f"tekton.dev/pipelineRun={name}")["items"]
    tasks = {tr["metadata"]["labels"]["tekton.dev/pipelineTask"]: tr for tr in taskruns}
    assert set(tasks) == {"make-dataset", "train", "evaluate"}
    for task, tr in tasks.items():
        c = tr["status"]["conditions"][0]
        assert (c["status"], c["reason"]) == ("True", "Succeeded"), (task, c)
    results = {r["name"]: r["value"] for r in done["status"].get("results", [])}
    assert 0 <= float(results["Output"]) < 0.2, results  # the fit's mean absolute error

    # Step logs come back through the node's kubelet API.
    pod = tasks["train"]["status"]["podName"]
    log = test_cluster.core().read_namespaced_pod_log(pod, "default", container="step-main")
    assert "Wrote executor output file" in log, log[-2000:]
