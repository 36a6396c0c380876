"""Benchmark the local executor: per-task overhead, and the speed-up of parallel tasks.

1. A pipeline of N trivial shell tasks (`true`), as a chain and as a fan-out: wall time per
   task is the executor's overhead (process start, substitution, bookkeeping).
2. 8 independent `sleep 1` tasks with --max-parallel 8 versus 1.
3. A compiled KFP pipeline of 5 Python components in a chain (launcher + kfp executor per task).
Numbers only; nothing is asserted.

    python hack/bench/local_executor.py [--tasks 50]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


from tekflow import local
from tekflow.compiler import tekton


def pipelinerun(name: str, tasks: list[dict]) -> tekton.PipelineRun:
    return tekton.document_from_data({
        "apiVersion": "tekton.dev/v1", "kind": "PipelineRun", "metadata": {"name": name},
        "spec": {"pipelineSpec": {"tasks": tasks}},
    })


def shell_task(name: str, script: str, after: list[str] | None = None) -> dict:
    task = {"name": name, "taskSpec": {"steps": [{"name": "s", "image": "busybox", "script": script}]}}
    if after:
        task["runAfter"] = after
    return task


def timed(run: tekton.PipelineRun, **kwargs) -> float:
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        result = local.run(run, run_dir=Path(directory) / "run", **kwargs)
        elapsed = time.perf_counter() - started
    assert result.succeeded, result.summary()
    return elapsed


KFP_CHAIN = '''
from tekflow import dsl

@dsl.component(base_image="python:3.11")
def inc(x: int) -> int:
    return x + 1

@dsl.pipeline(name="chain")
def chain(x: int = 0) -> int:
    t = inc(x=x)
    for _ in range(4):
        t = inc(x=t.output)
    return t.output
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50)
    args = parser.parse_args()
    n = args.tasks

    chain = pipelinerun("chain", [shell_task(f"t{i}", "true", [f"t{i - 1}"] if i else None) for i in range(n)])
    seconds = timed(chain, max_parallel=1)
    print(f"chain of {n} trivial tasks:   {seconds:6.2f} s   {1000 * seconds / n:6.1f} ms per task")
    fan = pipelinerun("fan", [shell_task(f"t{i}", "true") for i in range(n)])
    seconds = timed(fan)
    print(f"fan-out of {n} trivial tasks: {seconds:6.2f} s   {1000 * seconds / n:6.1f} ms per task (default parallelism)")

    sleepers = pipelinerun("sleepers", [shell_task(f"s{i}", "sleep 1") for i in range(8)])
    serial = timed(sleepers, max_parallel=1)
    parallel = timed(sleepers, max_parallel=8)
    print(f"8 x sleep 1: max-parallel 1 {serial:5.2f} s, max-parallel 8 {parallel:5.2f} s, "
          f"speed-up {serial / parallel:4.1f}x")

    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "chain.py"
        source.write_text(KFP_CHAIN)
        started = time.perf_counter()
        result = local.run(source, run_dir=Path(directory) / "run")
        seconds = time.perf_counter() - started
    print(f"KFP chain of 5 Python components: {seconds:5.2f} s ({1000 * seconds / 5:.0f} ms per task, "
          f"compile included), output {result.outputs}")


if __name__ == "__main__":
    main()
