"""The real test cluster (hack/cluster/cluster.py) for tests marked `cluster`.

`test_cluster` starts one cluster per session (building its binaries the first
time: see docs/cluster.md) and stops it at the end; with
TEKFLOW_TEST_KUBECONFIG set it uses that cluster instead and starts nothing.
Tests that use it run only when selected: `pytest -m cluster`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLUSTER_PY = ROOT / "hack" / "cluster" / "cluster.py"


@dataclass
class ClusterHandle:
    kubeconfig: Path
    state_dir: Path | None  # None: a cluster this session did not start

    def api_client(self):
        from kubernetes import client, config

        return config.new_client_from_config(config_file=str(self.kubeconfig))

    def custom(self):
        from kubernetes import client

        return client.CustomObjectsApi(self.api_client())

    def core(self):
        from kubernetes import client

        return client.CoreV1Api(self.api_client())


def _selected(config: pytest.Config) -> bool:
    return "cluster" in (config.getoption("markexpr", default="") or "") and "not cluster" not in config.getoption("markexpr")


@pytest.fixture(scope="session")
def test_cluster(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if not _selected(request.config):
        pytest.skip("cluster tests run when selected: pytest -m cluster")
    given = os.environ.get("TEKFLOW_TEST_KUBECONFIG")
    if given:
        yield ClusterHandle(Path(given), None)
        return
    if os.geteuid() != 0:
        pytest.skip("the test cluster's node needs root (mount namespaces)")
    if not (shutil.which("go") or Path("/usr/local/go/bin/go").exists()):
        pytest.skip("the test cluster is built with Go, which is not installed")
    state = tmp_path_factory.mktemp("cluster")
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([env.get("PATH", ""), "/usr/local/go/bin"])
    started = time.monotonic()
    r = subprocess.run([sys.executable, str(CLUSTER_PY), "up", "--json", "--dir", str(state)],
                       env=env, stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        pytest.fail(f"the test cluster did not start (exit {r.returncode}); logs in {state / 'logs'}")
    info = json.loads(r.stdout.strip().splitlines()[-1])
    sys.stderr.write(f"\ntest cluster up in {time.monotonic() - started:.0f}s "
                     f"(build {info['build_seconds']:.0f}s, start {info['start_seconds']:.0f}s)\n")
    try:
        yield ClusterHandle(Path(info["kubeconfig"]), state)
    finally:
        subprocess.run([sys.executable, str(CLUSTER_PY), "down", "--dir", str(state)], env=env)


def wait_for_run(custom, namespace: str, name: str, timeout_s: float = 600) -> dict:
    """Polls a PipelineRun until its Succeeded condition is True or False; returns the run."""
    deadline = time.monotonic() + timeout_s
    while True:
        run = custom.get_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns", name)
        for c in run.get("status", {}).get("conditions", []):
            if c["type"] == "Succeeded" and c["status"] in ("True", "False"):
                return run
        if time.monotonic() > deadline:
            raise AssertionError(f"PipelineRun {name} not finished after {timeout_s:.0f}s: {run.get('status')}")
        time.sleep(1)
