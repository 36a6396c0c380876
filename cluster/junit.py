"""JUnit XML of a run, for CI: one test suite per PipelineRun, one test case per pipeline task.

A failed task is a `<failure>` whose text ends with the failed step's log tail; a cancelled task,
or one still running when the wait stopped, an `<error>`; a task Tekton skipped or that never ran,
`<skipped>`. When the run failed without a failed task (Tekton refused it, it timed out before a
task failed) one more test case, `pipelinerun`, carries that failure. The format is the one
Jenkins, GitLab and most CI read (the schema is written down in docs/submit.md).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timezone
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from .errors import ClusterError
from .model import CANCELLED, FAILED, PENDING, RUNNING, SKIPPED, SUCCEEDED, RunState, TaskState

TAIL_LINES = 40
RUN_CASE = "pipelinerun"

# XML 1.0 allows tab, newline, carriage return and these ranges; logs may hold anything else (ANSI escapes…)
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _attr(text: str, limit: int = 1000) -> str:
    text = " ".join(xml_text(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _seconds(value: Optional[float]) -> str:
    return f"{max(value or 0.0, 0.0):.3f}"


def junit_xml(state: RunState, tails: dict[str, tuple[str, str]], hostname: str = "tekflow",
              waited_s: Optional[float] = None) -> str:
    """The JUnit XML document. `tails`: TaskRun name -> (failed step, its log tail).
    `waited_s`: set when the wait stopped before the run ended (tasks still running are errors)."""
    suite_name = f"{state.pipeline}/{state.name}" if state.pipeline else state.name
    classname = state.pipeline or state.name
    cases: list[ET.Element] = []
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for name, task in state.tasks.items():
        case = ET.Element("testcase", name=name, classname=classname,
                          time=_seconds(task.duration_s))
        kind = _outcome(task, state, waited_s)
        if kind is not None:
            tag, message, kind_type, body = _detail(task, state, tails, kind, waited_s)
            child = ET.SubElement(case, tag, message=_attr(message))
            if tag != "skipped":
                child.set("type", kind_type)
                child.text = xml_text(body)
            counts[{"failure": "failures", "error": "errors", "skipped": "skipped"}[tag]] += 1
        cases.append(case)
    if state.status in (FAILED, CANCELLED) and not any(c.find("failure") is not None or c.find("error") is not None
                                                        for c in cases):
        case = ET.Element("testcase", name=RUN_CASE, classname=classname, time=_seconds(state.duration_s))
        tag = "failure" if state.status == FAILED else "error"
        child = ET.SubElement(case, tag, message=_attr(state.message or state.reason), type=state.reason or state.status)
        child.text = xml_text(f"PipelineRun {state.name}: {state.status} ({state.reason})\n{state.message}\n")
        counts["failures" if tag == "failure" else "errors"] += 1
        cases.append(case)
    started = state.started or state.created
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(cases)), failures=str(counts["failures"]),
                       errors=str(counts["errors"]), skipped=str(counts["skipped"]),
                       time=_seconds(state.duration_s if waited_s is None else waited_s),
                       timestamp=(started.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") if started
                                  else "1970-01-01T00:00:00"),
                       hostname=_attr(hostname, 255) or "tekflow", id="0", package=classname)
    properties = ET.SubElement(suite, "properties")
    props = {"pipelinerun": state.name, "namespace": state.namespace, "status": state.status,
             "reason": state.reason, **{f"label:{k}": v for k, v in sorted(state.labels.items())}}
    for key, value in props.items():
        ET.SubElement(properties, "property", name=key, value=_attr(str(value)))
    suite.extend(cases)
    out = ET.SubElement(suite, "system-out")
    out.text = xml_text(f"PipelineRun {state.namespace}/{state.name}: {state.status}"
                        + (f" ({state.reason}): {state.message}" if state.reason else "") + "\n")
    ET.SubElement(suite, "system-err")
    root = ET.Element("testsuites", name="tekflow", tests=suite.get("tests"), failures=suite.get("failures"),
                      errors=suite.get("errors"), skipped=suite.get("skipped"), time=suite.get("time"))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _outcome(task: TaskState, state: RunState, waited_s: Optional[float]) -> Optional[str]:
    if task.status == SUCCEEDED:
        return None
    if task.status == FAILED:
        return "failure"
    if task.status == CANCELLED:
        return "error"
    if task.status == RUNNING or (task.status == PENDING and task.taskruns and not state.done):
        return "error" if waited_s is not None else "skipped"
    return "skipped"  # SKIPPED, or never ran


def _detail(task: TaskState, state: RunState, tails: dict[str, tuple[str, str]], kind: str,
            waited_s: Optional[float]) -> tuple[str, str, str, str]:
    """(element, message, type, text)."""
    if kind == "failure":
        failed = next((t for t in task.taskruns if t.status == FAILED), None)
        lines = [f"task {task.name}: {task.reason}: {task.message}"]
        if failed is not None:
            step, tail = tails.get(failed.name, ("", ""))
            if not step and failed.failed_step is not None:
                step = failed.failed_step.name
            if step:
                code = failed.failed_step.exit_code if failed.failed_step is not None else None
                lines.append(f"step {step} of {failed.name}" + (f" exited with code {code}" if code is not None else "")
                             + (f"; last {TAIL_LINES} lines of its log:" if tail else ""))
                if tail:
                    lines.append(tail.rstrip("\n"))
        return "failure", task.message or task.reason, task.reason or FAILED, "\n".join(lines) + "\n"
    if kind == "error":
        if task.status == CANCELLED:
            return "error", task.message or "cancelled", task.reason or CANCELLED, f"task {task.name}: {task.message}\n"
        message = f"still {task.status.lower()} when tekflow stopped waiting after {waited_s:.0f}s"
        return "error", message, "Timeout", f"task {task.name}: {message}\n"
    if task.status == SKIPPED:
        return "skipped", f"skipped by Tekton: {task.message or task.reason}", SKIPPED, ""
    return "skipped", f"not run (run {state.status.lower()})", PENDING, ""


def collect_tails(cluster, state: RunState, lines: int = TAIL_LINES) -> dict[str, tuple[str, str]]:
    """The failed step's log tail of every failed TaskRun (read from the cluster)."""
    from .logs import failed_step_tail

    tails: dict[str, tuple[str, str]] = {}
    for task in state.tasks.values():
        for taskrun in task.taskruns:
            if taskrun.status == FAILED and taskrun.failed_step is not None:
                try:
                    tails[taskrun.name] = failed_step_tail(cluster, state.namespace, taskrun, lines)
                except ClusterError as e:  # e.g. no right to read pods/log: the report is still written
                    tails[taskrun.name] = (taskrun.failed_step.name, f"(log not readable: {e})")
    return tails


def write_junit(path: Path, cluster, state: RunState, waited_s: Optional[float] = None) -> None:
    host = urlsplit(cluster.server).hostname or "tekflow"
    path.write_text(junit_xml(state, collect_tails(cluster, state), host, waited_s), encoding="utf-8")
