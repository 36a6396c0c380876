"""The real test cluster (hack/cluster/cluster.py) for tests marked `cluster`.

`test_cluster` starts one cluster per session (building its binaries the first
time: see docs/cluster.md) and stops it at the end; with
TEKFLOW_TEST_KUBECONFIG set it uses that cluster instead and starts nothing.
tests/conftest.py registers it for every test module, runs the tests marked
`cluster` last, and starts building the binaries (start_background_build) when
collection ends, so the build overlaps the other tests. When the group is in the
run and no cluster can be had, its tests fail with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
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


_BUILD: "subprocess.Popen[bytes] | None" = None
_BUILD_LOG = Path(tempfile.gettempdir()) / f"tekflow-cluster-build-{os.getpid()}.log"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([env.get("PATH", ""), "/usr/local/go/bin"])
    return env


def start_background_build() -> None:
    """Builds the cluster's binaries in the background unless a given cluster is used (cached:
    nothing to do when they exist)."""
    global _BUILD
    if _BUILD is not None or os.environ.get("TEKFLOW_TEST_KUBECONFIG"):
        return
    with open(_BUILD_LOG, "wb") as log:
        _BUILD = subprocess.Popen([sys.executable, str(CLUSTER_PY), "build"], env=_env(),
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_background_build() -> None:
    """An unfinished build is stopped with the session (its partial output is discarded)."""
    if _BUILD is not None and _BUILD.poll() is None:
        os.killpg(_BUILD.pid, signal.SIGTERM)  # cluster.py and its `go build`
        _BUILD.wait()


def _wait_for_build() -> None:
    if _BUILD is None:
        return
    code = _BUILD.wait()
    if code == 0:
        _BUILD_LOG.unlink(missing_ok=True)
        return
    tail = "\n".join(_BUILD_LOG.read_text(errors="replace").strip().splitlines()[-15:])
    pytest.fail(f"the test cluster's binaries did not build (cluster.py build exit {code}; "
                f"log {_BUILD_LOG}):\n{tail}", pytrace=False)


def _answers(kubeconfig: Path) -> None:
    """Raises with the reason when the API server of `kubeconfig` does not answer or has no Tekton."""
    from kubernetes import client, config

    api = config.new_client_from_config(config_file=str(kubeconfig))
    try:
        client.VersionApi(api).get_code(_request_timeout=10)
        client.ApisApi(api).get_api_versions(_request_timeout=10)
        found = client.ApiextensionsV1Api(api).list_custom_resource_definition(
            field_selector="metadata.name=pipelineruns.tekton.dev", _request_timeout=10).items
    finally:
        api.close()
    if not found:
        raise RuntimeError("the API server has no pipelineruns.tekton.dev (Tekton is not installed)")


@pytest.fixture(scope="session")
def test_cluster(tmp_path_factory: pytest.TempPathFactory):
    given = os.environ.get("TEKFLOW_TEST_KUBECONFIG")
    if given:
        try:
            _answers(Path(given))
        except Exception as e:  # noqa: BLE001 - any failure: the given cluster is not usable
            pytest.fail(f"TEKFLOW_TEST_KUBECONFIG={given}: the cluster does not answer: {e}", pytrace=False)
        yield ClusterHandle(Path(given), None)
        return
    started = time.monotonic()
    _wait_for_build()
    state = tmp_path_factory.mktemp("cluster")
    env = _env()
    try:
        r = subprocess.run([sys.executable, str(CLUSTER_PY), "up", "--json", "--dir", str(state)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            tail = "\n".join(r.stderr.strip().splitlines()[-15:])
            pytest.fail(f"the test cluster did not start (cluster.py up exit {r.returncode}; logs in "
                        f"{state / 'logs'}):\n{tail}", pytrace=False)
        info = json.loads(r.stdout.strip().splitlines()[-1])
        sys.stderr.write(f"\ntest cluster up in {time.monotonic() - started:.0f}s "
                         f"(build {info['build_seconds']:.0f}s, start {info['start_seconds']:.0f}s)\n")
        yield ClusterHandle(Path(info["kubeconfig"]), state)
    finally:  # also after a failed or interrupted `up`: it may have left parts running
        subprocess.run([sys.executable, str(CLUSTER_PY), "down", "--dir", str(state)], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


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
