"""What a user sees during `tekflow run`: live task states on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Optional, TextIO

from .result import RunResult

_STYLE = {"Succeeded": "green", "Failed": "red", "Skipped": "yellow", "Cancelled": "magenta", "Running": "cyan",
          "Pending": "dim"}


class PlainProgress:
    """One line per event: for CI logs and pipes."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind == "run_started":
            line = f"run {event['run']}: {len(event['tasks'])} tasks"
        elif kind == "task_started":
            runs = event.get("taskruns", 1)
            line = f"task {event['task']} started" + (f" ({runs} runs)" if runs > 1 else "")
        elif kind == "task_finished":
            duration = event.get("duration_s")
            line = f"task {event['task']} {event['status'].lower()}" + (f" ({duration:.1f}s)" if duration else "")
            if event["status"] in ("Skipped", "Failed") and event.get("reason"):
                line += f": {event['message'] or event['reason']}"
        elif kind == "run_finished":
            line = f"run {event['run']} {event['status'].lower()}"
        elif kind == "warning":
            line = f"warning: {event['message']}"
        else:
            return
        with self.lock:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        pass


class LiveProgress:
    """A live table of task states (rich), redrawn as tasks start and finish."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live

        self.console = Console(stderr=True)
        self.states: dict[str, dict[str, Any]] = {}
        self.started = time.monotonic()
        self.live = Live(self._table(), console=self.console, refresh_per_second=8, transient=True)
        self.live.start()

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind == "run_started":
            self.states = {t: {"status": "Pending", "since": None} for t in event["tasks"]}
        elif kind == "task_started":
            self.states[event["task"]] = {"status": "Running", "since": time.monotonic()}
        elif kind == "task_finished":
            self.states[event["task"]] = {"status": event["status"], "duration": event.get("duration_s")}
        elif kind == "warning":
            self.console.print(f"[yellow]warning:[/] {event['message']}")
        self.live.update(self._table())

    def _table(self):
        from rich.table import Table

        table = Table(title=f"tekflow run ({time.monotonic() - self.started:.0f}s)", title_justify="left")
        table.add_column("task")
        table.add_column("status")
        table.add_column("time", justify="right")
        for name, state in self.states.items():
            status = state["status"]
            if status == "Running" and state.get("since"):
                elapsed = f"{time.monotonic() - state['since']:.1f}s"
            else:
                elapsed = f"{state['duration']:.1f}s" if state.get("duration") else ""
            table.add_row(name, f"[{_STYLE.get(status, '')}]{status}[/]", elapsed)
        return table

    def close(self) -> None:
        self.live.stop()


def progress_for(stream: TextIO = sys.stderr, quiet: bool = False) -> Optional[Any]:
    if quiet:
        return None
    return LiveProgress() if stream.isatty() else PlainProgress(stream)


def print_summary(result: RunResult, stream: TextIO = sys.stderr) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, highlight=False)
    table = Table(title=f"{result.name}: {result.status} in {result.duration_s:.1f}s", title_justify="left")
    table.add_column("task")
    table.add_column("status")
    table.add_column("time", justify="right")
    table.add_column("note")
    for name, record in result.tasks.items():
        note = record.message if record.status in ("Failed", "Skipped", "Cancelled") else ""
        if record.retries:
            note = f"retried {record.retries}x; " + note
        duration = f"{record.duration_s:.1f}s" if record.duration_s else ""
        table.add_row(name + (" (finally)" if record.is_finally else ""),
                      f"[{_STYLE.get(record.status, '')}]{record.status}[/]", duration, note)
    console.print(table)
    for name, value in result.outputs.items():
        console.print(f"output {name} = {value!r}")
    console.print(f"logs: {result.run_dir}/tasks/")
