"""Tracking under faults: stores that cannot be used or reached, a `tekflow run` killed with
SIGKILL, two runs creating one SQLite store at once, and a spool kept in a custom run directory."""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest
from mlflow import MlflowClient

from cli_support import TEKFLOW, assert_user_error, tekflow

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "samples" / "quickstart.py"
NO_DEFAULT_STORE = {"MLFLOW_TRACKING_URI": ""}


# -- lineage and run: a tracking URI MLflow cannot use, or a server that is not there ------------------------
@pytest.mark.parametrize("uri, needle", [
    ("bogus", "tracking URI 'bogus' cannot be used"),
    ("file:///proc/x", "tracking URI 'file:///proc/x' cannot be used"),
    ("databricks", "MLflow at databricks could not be read"),
    ("http://[::1", "is not a URI"),
    ("http://127.0.0.1:1", "Connection refused"),  # nothing listens: fails at once, no retries
    ("http://user:SECRET@127.0.0.1:1", "http://user:***@127.0.0.1:1"),
])
def test_lineage_with_an_unusable_tracking_uri_is_one_error_line(tmp_path, uri, needle):
    # HOME here: no Databricks profile of the machine's user is found
    proc = tekflow("lineage", "0123456789abcdef", "--tracking-uri", uri, cwd=tmp_path,
                   env={"HOME": str(tmp_path)})
    line = assert_user_error(proc, needle)
    assert "SECRET" not in proc.stderr + proc.stdout, line


@pytest.mark.parametrize("uri", ["bogus", "http://[::1"])
def test_run_with_an_unusable_tracking_uri_stops_before_any_task(tmp_path, uri):
    proc = tekflow("run", QUICKSTART, "--run-dir", tmp_path / "run", "--tracking-uri", uri, cwd=tmp_path)
    assert_user_error(proc, "tracking URI", "give sqlite:///PATH")
    assert not (tmp_path / "run" / "tasks").exists()


# -- a tekflow run killed with SIGKILL ----------------------------------------------------------------------
HELD_PIPELINE = '''
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def hold(release: str) -> str:
    """Runs until the file `release` exists."""
    import os
    import time

    while not os.path.exists(release):
        time.sleep(0.05)
    return "released"


@dsl.pipeline(name="held")
def held(release: str):
    hold(release=release)
'''


def _status(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "status.json").read_text())
    except (OSError, ValueError):  # not written yet
        return {}


def _kill_while_a_task_runs(tmp_path: Path, store: str, *run_dir_args) -> tuple[Path, Path]:
    """Start `tekflow run` on the held pipeline, wait until its task runs (status.json says so),
    SIGKILL it. Returns (run directory, release file)."""
    pipeline = tmp_path / "held.py"
    pipeline.write_text(HELD_PIPELINE)
    release = tmp_path / "release"
    with open(tmp_path / "killed.log", "w") as log:
        proc = subprocess.Popen([TEKFLOW, "run", str(pipeline), "-p", f"release={release}", "--tracking-uri", store,
                                 *map(str, run_dir_args)], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            run_dirs = [d for d in (tmp_path / "tekflow-runs").glob("*")] + [tmp_path / "run"]
            running = [d for d in run_dirs if _status(d).get("tasks", {}).get("hold", {}).get("status") == "Running"]
            if running:
                break
            assert proc.poll() is None, (tmp_path / "killed.log").read_text()
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)  # kill -9: no handler, no cleanup
        proc.wait()
    run_dir = running[0]
    status = _status(run_dir)
    assert status["status"] == "Running" and status["owner"]["pid"] == proc.pid  # what kill -9 leaves
    return run_dir, release


def _parent_run(store: str, run_uid: str):
    client = MlflowClient(store)
    experiments = [e.experiment_id for e in client.search_experiments()]
    runs = client.search_runs(experiments, f"tags.`tekflow.run_uid` = '{run_uid}'")
    return next(r for r in runs if r.data.tags.get("tekflow.kind") == "pipeline")


def test_a_killed_run_is_marked_failed_by_tracking_sync(tmp_path):
    store = f"sqlite:///{tmp_path / 'mlflow.db'}"
    run_dir, release = _kill_while_a_task_runs(tmp_path, store)  # in ./tekflow-runs/<run>
    try:
        uid = _status(run_dir)["uid"]
        assert _parent_run(store, uid).info.status == "RUNNING"

        proc = tekflow("tracking", "sync", "--output", "json", cwd=tmp_path, env=NO_DEFAULT_STORE)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["killed"] == [_status(run_dir)["name"]]
        status = _status(run_dir)
        assert (status["status"], status["reason"]) == ("Failed", "ProcessKilled")
        assert f"pid {status['owner']['pid']}" in status["message"]
        assert (status["tasks"]["hold"]["status"], status["tasks"]["hold"]["reason"]) == ("Failed", "ProcessKilled")
        parent = _parent_run(store, uid)
        assert parent.info.status == "KILLED" and parent.data.tags["tekflow.reason"] == "ProcessKilled"

        again = tekflow("tracking", "sync", "--output", "json", cwd=tmp_path, env=NO_DEFAULT_STORE)
        assert again.returncode == 0 and "killed" not in json.loads(again.stdout)  # found once
    finally:
        release.write_text("")  # the killed run's orphaned step ends


def test_a_run_in_the_directory_of_a_killed_run_closes_it_and_starts_afresh(tmp_path):
    store = f"sqlite:///{tmp_path / 'mlflow.db'}"
    run_dir, release = _kill_while_a_task_runs(tmp_path, store, "--run-dir", tmp_path / "run")
    killed_uid = _status(run_dir)["uid"]
    release.write_text("")  # the new run's task ends at once (and so does the orphaned one)

    proc = tekflow("run", tmp_path / "held.py", "-p", f"release={release}", "--run-dir", run_dir,
                   "--tracking-uri", store, "--output", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "ProcessKilled" in proc.stderr
    killed = _parent_run(store, killed_uid)
    assert killed.info.status == "KILLED" and killed.data.tags["tekflow.status"] == "Failed"
    status = _status(run_dir)
    assert status["status"] == "Succeeded" and status["uid"] != killed_uid  # a new run, not a resume
    assert _parent_run(store, status["uid"]).info.status == "FINISHED"


# -- two runs creating one SQLite store ---------------------------------------------------------------------
def test_two_runs_starting_together_on_a_new_sqlite_store_are_both_tracked(tmp_path):
    store = f"sqlite:///{tmp_path / 'new.db'}"
    procs = [subprocess.Popen([TEKFLOW, "run", str(QUICKSTART), "--run-dir", str(tmp_path / name), "--tracking-uri",
                               store, "--output", "json"], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for name in ("first", "second")]
    outputs = [p.communicate() for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err[-3000:]
    run_ids = [json.loads(out)["tracking_run_id"] for out, _ in outputs]
    assert all(run_ids), "\n".join(err for _, err in outputs)[-3000:]
    client = MlflowClient(store)
    assert {client.get_run(r).info.status for r in run_ids} == {"FINISHED"}
    assert not list(tmp_path.glob("*/tracking-spool/*.jsonl"))


# -- the replay hint after a custom --run-dir ---------------------------------------------------------------
def test_the_printed_replay_command_replays_the_spool(tmp_path):
    store_dir = tmp_path / "store"
    store_dir.write_text("")  # a file where the store's directory should be: unreachable for now
    store = f"sqlite:///{store_dir / 'mlflow.db'}"
    (tmp_path / "here").mkdir()
    proc = tekflow("run", QUICKSTART, "--run-dir", tmp_path / "elsewhere" / "run", "--tracking-uri", store,
                   cwd=tmp_path / "here")
    assert proc.returncode == 0, proc.stderr[-3000:]
    command = re.search(r"replay them: (tekflow tracking sync --spool-dir \S+)\)", proc.stderr)
    assert command, proc.stderr[-2000:]
    store_dir.unlink()
    store_dir.mkdir()

    (tmp_path / "somewhere-else").mkdir()
    argv = shlex.split(command.group(1))
    replay = tekflow(*argv[1:], cwd=tmp_path / "somewhere-else", env=NO_DEFAULT_STORE)
    assert replay.returncode == 0, replay.stderr
    assert re.search(r"replayed \d+ events of 1 runs", replay.stderr), replay.stderr
    client = MlflowClient(store)
    parent = next(r for r in client.search_runs([e.experiment_id for e in client.search_experiments()])
                  if r.data.tags.get("tekflow.kind") == "pipeline")
    assert parent.info.status == "FINISHED"
