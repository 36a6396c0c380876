"""The main-step prelude, run by a real /bin/sh: byte-exact argv, skip, batches of iterations."""

import subprocess
from pathlib import Path

from tekflow.runtime.prelude import main_step_command


def _write_argv(directory: Path, argv: list[str]) -> None:
    (directory / "argv").mkdir(parents=True)
    for i, arg in enumerate(argv):
        (directory / "argv" / str(i)).write_bytes(arg.encode())
    (directory / "argv" / "count").write_text(str(len(argv)))


def _run(io: Path) -> subprocess.CompletedProcess:
    return subprocess.run(main_step_command(str(io)), capture_output=True, text=True, timeout=60)


TRICKY = ["line1\nline2\n\n", "  spaces  ", "$(params.x) $HOME `id` 'q' \"dq\"", "", "ünï\tcode*"]


def test_arguments_arrive_byte_exact(tmp_path):
    script = "import sys, json; print(json.dumps(sys.argv[1:]))"
    _write_argv(tmp_path, ["python3", "-c", script, *TRICKY])
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    import json
    assert json.loads(result.stdout) == TRICKY


def test_exit_code_is_the_commands(tmp_path):
    _write_argv(tmp_path, ["sh", "-c", "exit 7"])
    assert _run(tmp_path).returncode == 7


def test_skip_main_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    _write_argv(tmp_path, ["touch", str(marker)])
    (tmp_path / "skip-main").write_text("")
    assert _run(tmp_path).returncode == 0
    assert not marker.exists()


def test_batch_runs_every_iteration_and_reports_the_first_failure(tmp_path):
    out = tmp_path / "out"
    commands = [f"echo 0 >> {out}", f"echo 1 >> {out}; exit 3", "exit 99", f"echo 3 >> {out}; exit 4"]
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "count").write_text(str(len(commands)))
    for k, command in enumerate(commands):
        _write_argv(tmp_path / "batch" / str(k), ["sh", "-c", command])
    (tmp_path / "batch" / "2" / "skip-main").write_text("")
    result = _run(tmp_path)
    assert result.returncode == 3
    assert out.read_text().split() == ["0", "1", "3"]
    codes = {k: (tmp_path / "batch" / str(k) / "exit-code") for k in range(4)}
    assert codes[0].read_text().strip() == "0"
    assert codes[1].read_text().strip() == "3"
    assert not codes[2].exists()
    assert codes[3].read_text().strip() == "4"


def test_empty_batch_succeeds(tmp_path):
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "count").write_text("0")
    assert _run(tmp_path).returncode == 0
