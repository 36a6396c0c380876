"""`python -m tekflow.runtime prepare|publish|iterations|outputs …` — the launcher steps."""

from __future__ import annotations

import argparse
import sys
import traceback
from typing import NoReturn

from .entries import EntryError
from .iterations import IterationError
from .launch import Launch, parse_params
from .spec import SpecError


# What every task's launch spec holds; a spec without them comes from a mismatched compiler.
TASK_SPEC_KEYS = ("task", "component", "container", "inputs", "outputs")


class _Parser(argparse.ArgumentParser):
    """Usage mistakes end like every other launcher error: one line in the step's log."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"tekflow launcher: error: {self.prog}: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tekflow.runtime", description="tekflow launcher steps")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser, io: bool = True) -> None:
        p.add_argument("--spec", required=True, help="the launch spec (JSON)")
        if io:
            p.add_argument("--io-dir", required=True, help="the task's scratch directory")
        p.add_argument("--pipeline-root", required=True, help="artifact store root URI")
        p.add_argument("--run", required=True, help="the PipelineRun's name")
        p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")

    prepare = commands.add_parser("prepare", help="resolve inputs and write the main step's argv")
    common(prepare)
    prepare.add_argument("--run-uid", default="")
    prepare.add_argument("--retry-count", type=int, default=0)
    prepare.add_argument("--batch", type=int, help="which batch of loop iterations this TaskRun runs")

    publish = commands.add_parser("publish", help="record outputs, write results, exit with main's code")
    common(publish)
    publish.add_argument("--exit-code-file", required=True)
    publish.add_argument("--result", action="append", default=[], metavar="NAME=PATH")
    publish.add_argument("--artifact-result", action="append", default=[], metavar="NAME=PATH",
                         help="an output artifact's Tekton Chains type-hinted result (uri and digest)")
    publish.add_argument("--run-uid", default="", help="the PipelineRun's uid (for tracking)")
    publish.add_argument("--retry-count", type=int, default=0)

    for name, text in (("iterations", "enumerate a loop's iterations"), ("outputs", "gather pipeline outputs")):
        p = commands.add_parser(name, help=text)
        common(p, io=False)
        p.add_argument("--result", action="append", default=[], metavar="NAME=PATH")
    for name, text in (("track-start", "create the pipeline's MLflow run"), ("track-finish", "close it")):
        p = commands.add_parser(name, help=text)
        common(p, io=False)
        p.add_argument("--run-uid", default="")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        launch = Launch.from_args(args.spec, args.pipeline_root, args.run, args.param)
        _check_spec(launch.spec, args.command)
        if args.command == "prepare":
            from .prepare import prepare

            launch.params.setdefault("__run_uid__", args.run_uid)
            prepare(launch, args.io_dir, args.batch, args.retry_count)
            return 0
        if args.command in ("track-start", "track-finish"):
            from . import tracking_steps

            return getattr(tracking_steps, args.command.replace("-", "_"))(launch, args.run_uid)
        results = parse_params(args.result)
        if args.command == "publish":
            from .publish import publish

            return publish(launch, args.io_dir, _exit_code(args.exit_code_file), results, args.run_uid,
                           args.retry_count, parse_params(args.artifact_result))
        from . import commands

        return getattr(commands, args.command)(launch, results)
    except (SpecError, EntryError, IterationError, ValueError, RuntimeError, OSError) as e:
        print(f"tekflow launcher: error: {e}", file=sys.stderr)
        return 1
    except Exception:  # a launcher bug: keep the traceback in the step's log
        traceback.print_exc()
        return 1


def _check_spec(spec: dict, command: str) -> None:
    required = TASK_SPEC_KEYS if command in ("prepare", "publish") else ("task",)
    missing = [key for key in required if key not in spec]
    if missing:
        raise SpecError(f"the launch spec has no {', '.join(map(repr, missing))}: "
                        "the launcher image does not match the compiler")


def _exit_code(path: str) -> int:
    try:
        with open(path) as f:
            return int(f.read().strip() or 1)
    except (FileNotFoundError, ValueError):
        print(f"tekflow launcher: the main step left no exit code at {path}; counting it as failed", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
