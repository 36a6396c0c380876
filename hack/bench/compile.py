"""Benchmark: how long `tekflow compile` takes for a 20-task pipeline, beyond Python start-up.

Prints the in-process lowering time (IR -> PipelineRun YAML) and the end-to-end CLI time
against a bare `python -c pass` start-up. Numbers only; nothing is asserted.

    python hack/bench/compile.py [--tasks 20] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PIPELINE = '''
from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output

@dsl.component(base_image="python:3.11")
def step(x: int, data_in: Input[Dataset], data_out: Output[Dataset]) -> int:
    return x + 1

@dsl.component(base_image="python:3.11")
def seed(x: int, data_out: Output[Dataset]) -> int:
    return x

@dsl.pipeline(name="bench-chain")
def chain(x: int = 1) -> int:
    t = seed(x=x)
    for _ in range({n} - 1):
        t = step(x=t.outputs["Output"], data_in=t.outputs["data_out"]).set_cpu_limit("1").set_retry(1)
    return t.outputs["Output"]
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from tekflow.compiler import Compiler
    from tekflow.compiler import ir

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bench_pipeline.py"
        source.write_text(PIPELINE.format(n=args.tasks))
        ir_file = Path(tmp) / "bench_pipeline.yaml"
        pipeline_ir = ir.load(source)
        from google.protobuf import json_format
        import yaml
        ir_file.write_text(yaml.safe_dump(json_format.MessageToDict(pipeline_ir.spec)))

        lowering = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            Compiler().compile_to_yaml(pipeline_ir)
            lowering.append(time.perf_counter() - start)

        def timed(cmd: list[str]) -> float:
            runs = []
            for _ in range(max(3, args.repeat // 4)):
                start = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                runs.append(time.perf_counter() - start)
            return statistics.median(runs)

        bare = timed([sys.executable, "-c", "pass"])
        cli_py = timed([sys.executable, "-m", "tekflow.cli.main", "compile", str(source)])
        cli_ir = timed([sys.executable, "-m", "tekflow.cli.main", "compile", str(ir_file)])

    print(f"tasks: {args.tasks}")
    print(f"lowering IR -> YAML (in process): median {statistics.median(lowering) * 1000:.1f} ms, "
          f"min {min(lowering) * 1000:.1f} ms over {args.repeat} runs")
    print(f"python start-up:                  {bare * 1000:.0f} ms")
    print(f"tekflow compile <ir.yaml>:        {cli_ir * 1000:.0f} ms ({(cli_ir - bare) * 1000:.0f} ms beyond start-up)")
    print(f"tekflow compile <pipeline.py>:    {cli_py * 1000:.0f} ms ({(cli_py - bare) * 1000:.0f} ms beyond start-up)")


if __name__ == "__main__":
    main()
