"""The test cluster against `tekflow run`: start time, submit-to-first-pod latency, a 20-task chain.

    python hack/bench/cluster_vs_local.py                      # starts a test cluster, stops it at the end
    python hack/bench/cluster_vs_local.py --kubeconfig FILE    # a cluster that is already up

Prints, one line each: the cluster's start time (when this script started it), the latency from a
one-task PipelineRun's creation to its pod's start (creationTimestamp -> pod status.startTime, and
-> its first container's startedAt; medians of --repeat runs), and the wall time of the 20-task chain below on the cluster (submit to
`tekflow wait` returning) and with `tekflow run` on the same compiled file, and their ratio.
Run it on an otherwise idle machine: both sides share its cores.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tekflow import dsl

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_PY = ROOT / "hack" / "cluster" / "cluster.py"
TEKFLOW = [sys.executable, "-m", "tekflow.cli.main"]
CHAIN = 20


@dsl.component(base_image="python:3.11")
def inc(x: int) -> int:
    return x + 1


@dsl.pipeline(name="bench-one-task")
def one_task(x: int = 0):
    inc(x=x)


@dsl.pipeline(name="bench-chain-20")
def chain(x: int = 0):
    value = x
    for _ in range(CHAIN):
        value = inc(x=value).output


def _tekflow(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*TEKFLOW, *args], capture_output=True, text=True, **kwargs)


def _compile(pipeline: str, target: Path) -> Path:
    proc = _tekflow("compile", __file__, "--pipeline", pipeline, "-o", str(target))
    if proc.returncode != 0:
        sys.exit(f"compile {pipeline}: {proc.stderr}")
    return target


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def first_pod_latency(kubeconfig: Path, compiled: Path, namespace: str) -> tuple[float, float]:
    """Seconds from the PipelineRun's creation to its pod's start (status.startTime: the node took it)
    and to its first container's start (the init container's startedAt)."""
    from kubernetes import client

    from tekflow.cluster.client import Cluster
    from tekflow.cluster.config import connect
    from tekflow.cluster.submit import prepare, submit

    connection = connect(str(kubeconfig))
    run = submit(Cluster(connection), prepare(compiled, [], namespace))
    proc = _tekflow("wait", run.name, "-n", namespace, "--kubeconfig", str(kubeconfig), "--output", "json",
                    "--timeout", "10m")
    if proc.returncode != 0:
        sys.exit(f"one-task run {run.name} did not succeed: {proc.stderr[-2000:]}")
    created = _time(run.pipelinerun["metadata"]["creationTimestamp"])
    pods = client.CoreV1Api(connection.api_client).list_namespaced_pod(
        namespace, label_selector=f"tekton.dev/pipelineRun={run.name}").items
    pod_start = min((p.status.start_time - created).total_seconds() for p in pods)
    containers = [s for p in pods for s in (p.status.init_container_statuses or []) + (p.status.container_statuses or [])]
    started = [s.state.terminated.started_at for s in containers if s.state and s.state.terminated]
    return pod_start, (min(started) - created).total_seconds()


def chain_on_cluster(kubeconfig: Path, compiled: Path, namespace: str) -> float:
    started = time.monotonic()
    proc = _tekflow("submit", str(compiled), "-n", namespace, "--kubeconfig", str(kubeconfig), "--wait",
                    "--timeout", "30m", "--output", "json")
    took = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"chain on the cluster: exit {proc.returncode}: {proc.stderr[-2000:]}")
    assert json.loads(proc.stdout)["outputs"] == {}, proc.stdout
    return took


def chain_locally(compiled: Path, run_dir: Path) -> float:
    from tekflow import local

    started = time.monotonic()
    result = local.run(compiled, run_dir=run_dir)
    took = time.monotonic() - started
    if result.status != "Succeeded":
        sys.exit(f"chain with tekflow run: {result.status} {result.message}")
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kubeconfig", type=Path, help="use this cluster instead of starting a test cluster")
    ap.add_argument("--namespace", default="default")
    ap.add_argument("--repeat", type=int, default=3, help="one-task runs for the latency median (default 3)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tekflow-bench-"))
    one = _compile("bench-one-task", work / "one.yaml")
    twenty = _compile("bench-chain-20", work / "chain.yaml")
    state = None
    try:
        kubeconfig = args.kubeconfig
        if kubeconfig is None:
            state = work / "cluster"
            started = time.monotonic()
            proc = subprocess.run([sys.executable, str(CLUSTER_PY), "up", "--json", "--dir", str(state)],
                                  stdout=subprocess.PIPE, text=True)
            if proc.returncode != 0:
                sys.exit(f"the test cluster did not start; logs in {state / 'logs'}")
            info = json.loads(proc.stdout.strip().splitlines()[-1])
            kubeconfig = Path(info["kubeconfig"])
            print(f"cluster start: {time.monotonic() - started:.1f} s (cluster.py up; start "
                  f"{info['start_seconds']:.1f} s, build {info['build_seconds']:.1f} s)", flush=True)
        latencies = [first_pod_latency(kubeconfig, one, args.namespace) for _ in range(args.repeat)]
        pods, containers = [p for p, _ in latencies], [c for _, c in latencies]
        print(f"submit to first pod: pod started after {statistics.median(pods):.0f} s, its first container "
              f"after {statistics.median(containers):.0f} s (medians of {len(latencies)}: "
              f"{', '.join(f'{p:.0f}/{c:.0f}' for p, c in latencies)} s; timestamps have 1 s resolution)", flush=True)
        on_cluster = chain_on_cluster(kubeconfig, twenty, args.namespace)
        here = chain_locally(twenty, work / "local")
        print(f"{CHAIN}-task chain: cluster {on_cluster:.1f} s, tekflow run {here:.1f} s, "
              f"ratio {on_cluster / here:.1f}x", flush=True)
    finally:
        if state is not None:
            subprocess.run([sys.executable, str(CLUSTER_PY), "down", "--dir", str(state)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
