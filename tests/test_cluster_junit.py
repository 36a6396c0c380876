"""JUnit XML of a run, checked against the schema in tests/cluster_junit.xsd (no cluster needed)."""

import xml.etree.ElementTree as ET
from pathlib import Path


from cluster_objects import condition, pipelinerun, step, taskrun
from tekflow.cluster.junit import junit_xml
from tekflow.cluster.model import run_state

SCHEMA = Path(__file__).with_name("cluster_junit.xsd")


def _valid(text: str) -> ET.Element:
    """Parsed, and valid against the schema CI readers expect (xmlschema is a test dependency)."""
    import xmlschema

    xmlschema.XMLSchema(str(SCHEMA)).validate(text)
    return ET.fromstring(text.encode())


def _failed_run():
    pr = pipelinerun(cond=condition("False", "Failed", "Tasks Completed: 3 (Failed: 1, Cancelled 0), Skipped: 1"),
                     tasks=("make", "train", "report"), skipped=[("report", "Parent Tasks were skipped")])
    trs = [
        taskrun("demo-x1", "make", condition("True", "Succeeded"), [step("main", 0)]),
        taskrun("demo-x1", "train", condition("False", "Failed", '"step-main" exited with code 2'),
                [step("prepare", 0), step("main", 2), step("publish", 0)]),
        taskrun("demo-x1", "cleanup", condition("True", "Succeeded"), [step("main", 0)], is_finally=True),
    ]
    return run_state(pr, trs)


def test_a_failed_run_has_a_failure_with_the_failed_steps_log_tail():
    tail = "epoch 3\nValueError: loss is nan \x1b[31m<&>\x00\n"  # ANSI escape and NUL: not XML characters
    root = _valid(junit_xml(_failed_run(), {"demo-x1-train": ("main", tail)}, "127.0.0.1"))
    suite = root.find("testsuite")
    assert suite.get("name") == "demo/demo-x1" and suite.get("timestamp") == "2026-12-02T10:00:00"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "1", "0", "1")
    assert root.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == ["make", "train", "report", "cleanup"]
    assert all(c.get("classname") == "demo" for c in cases.values())
    failure = cases["train"].find("failure")
    assert failure.get("type") == "Failed" and "exited with code 2" in failure.get("message")
    assert "step main of demo-x1-train exited with code 2" in failure.text
    assert "ValueError: loss is nan" in failure.text and "<&>" in failure.text
    assert cases["make"].find("failure") is None and cases["make"].get("time") == "3.000"
    assert "Parent Tasks were skipped" in cases["report"].find("skipped").get("message")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["pipelinerun"] == "demo-x1" and props["status"] == "Failed"
    assert props["label:tekflow.dev/pipeline"] == "demo"


def test_a_succeeded_run_has_no_failures():
    pr = pipelinerun(cond=condition("True", "Succeeded"), tasks=("make",), finally_=())
    state = run_state(pr, [taskrun("demo-x1", "make", condition("True", "Succeeded"), [step("main", 0)])])
    root = _valid(junit_xml(state, {}))
    assert root.get("tests") == "1" and root.get("failures") == "0" and root.get("errors") == "0"


def test_a_run_tekton_refused_gets_a_pipelinerun_test_case():
    pr = pipelinerun(cond=condition("False", "PipelineValidationFailed", "[User error] invalid result reference"),
                     tasks=("make",), finally_=())
    root = _valid(junit_xml(run_state(pr, []), {}))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["make"].find("skipped") is not None
    failure = cases["pipelinerun"].find("failure")
    assert failure.get("type") == "PipelineValidationFailed" and "invalid result reference" in failure.get("message")


def test_a_wait_that_timed_out_reports_running_tasks_as_errors():
    pr = pipelinerun(cond=condition("Unknown", "Running"), tasks=("make", "train"))
    trs = [taskrun("demo-x1", "make", condition("Unknown", "Running"), [step("main", running=True)])]
    root = _valid(junit_xml(run_state(pr, trs), {}, waited_s=30.0))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert "stopped waiting after 30s" in cases["make"].find("error").get("message")
    assert cases["train"].find("skipped") is not None and cases["cleanup"].find("skipped") is not None
    assert root.find("testsuite").get("time") == "30.000"


def test_cancelled_tasks_are_errors():
    pr = pipelinerun(cond=condition("False", "Cancelled", 'PipelineRun "demo-x1" was cancelled'), tasks=("make",))
    trs = [taskrun("demo-x1", "make", condition("False", "TaskRunCancelled", "TaskRun cancelled as the "
                                                "PipelineRun it belongs to has been cancelled."), []),
           taskrun("demo-x1", "cleanup", condition("True", "Succeeded"), [step("main", 0)], is_finally=True)]
    root = _valid(junit_xml(run_state(pr, trs), {}))
    error = next(c for c in root.iter("testcase") if c.get("name") == "make").find("error")
    assert error.get("type") == "TaskRunCancelled"
    assert root.get("errors") == "1" and root.get("failures") == "0"


def test_the_schema_refuses_what_ci_readers_refuse():
    """The schema is not vacuous: a test case without a name, or a timestamp with a zone, fails."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(SCHEMA))
    good = junit_xml(run_state(pipelinerun(cond=condition("True", "Succeeded"), tasks=("make",), finally_=()), []), {})
    assert schema.is_valid(good)
    assert not schema.is_valid(good.replace('name="make"', ""))
    assert not schema.is_valid(good.replace('timestamp="2026-12-02T10:00:00"', 'timestamp="2026-12-02T10:00:00Z"'))
    assert not schema.is_valid(good.replace('tests="1"', 'tests="one"', 1))
