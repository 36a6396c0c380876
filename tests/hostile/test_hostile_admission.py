"""`tekflow run` of a Tekton PipelineRun that Tekton itself would refuse: one `error:` line with
Tekton's words and the field's path, exit code 2, nothing run.

Every bad run is a small variation of one valid run. For the admission table, Tekton's own Go
code (the tests/ harness: SetDefaults + Validate) must refuse the same document, and each message
tekflow gives must be one Tekton gives. The run-start table holds what Tekton's controller
refuses when the run starts or when it creates a task's TaskRun (the webhook lets these pass).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from cli_support import assert_user_error, tekflow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: Tekton's validation harness
from tekton_validation import validate_files  # noqa: E402

from tekflow import local  # noqa: E402
from tekflow.compiler import Compiler, tekton  # noqa: E402
from tekflow.compiler.validation import AdmissionError, admission_errors  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

VALID = """\
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: admission
spec:
  params:
    - {name: greeting, value: hello}
  timeouts: {pipeline: 1h, tasks: 40m, finally: 10m}
  workspaces:
    - {name: shared, emptyDir: {}}
  pipelineSpec:
    params:
      - {name: greeting, type: string}
      - {name: colours, type: array, default: [red, blue]}
    workspaces:
      - {name: shared}
    results:
      - {name: said, value: $(tasks.produce.results.text)}
    tasks:
      - name: produce
        retries: 1
        timeout: 10m
        params:
          - {name: greeting, value: $(params.greeting)}
        workspaces:
          - {name: scratch, workspace: shared}
        taskSpec:
          params:
            - {name: greeting}
          workspaces:
            - {name: scratch}
          results:
            - {name: text}
          steps:
            - name: say
              image: busybox
              script: printf '%s' "$(params.greeting)" > $(results.text.path)
      - name: consume
        runAfter: [produce]
        when:
          - {input: $(tasks.produce.results.text), operator: in, values: [hello]}
        matrix:
          params:
            - {name: colour, value: $(params.colours)}
        params:
          - {name: text, value: $(tasks.produce.results.text)}
        taskSpec:
          params:
            - {name: text}
            - {name: colour}
          steps:
            - name: show
              image: busybox
              command: [echo]
              args: [$(params.text), $(params.colour)]
    finally:
      - name: report
        params:
          - {name: outcome, value: $(tasks.produce.status)}
        taskSpec:
          params:
            - {name: outcome}
          steps:
            - {name: tell, image: busybox, script: 'echo $(params.outcome)'}
"""

REPORT_SPEC = """\
        taskSpec:
          params:
            - {name: outcome}
          steps:
            - {name: tell, image: busybox, script: 'echo $(params.outcome)'}
"""
PRODUCE = "      - name: produce\n        retries: 1\n"
CONSUME_PARAMS = "          - {name: text, value: $(tasks.produce.results.text)}\n"
REPORT = "      - name: report\n"
LONG = "x" * 64
STEP = " " * 14  # a step's fields
ECHO = f"{STEP}command: [echo]"
FINAL = "spec.pipelineSpec.finally[0]"

# (id, replacements in VALID, the field path tekflow names, a piece of Tekton's message)
ADMISSION = [
    ("duplicate-task-name", [("- name: consume", "- name: produce")],
     "spec.pipelineSpec.tasks[1].name", "expected exactly one, got both"),
    ("finally-name-of-a-task", [("- name: report", "- name: consume")],
     "spec.pipelineSpec.finally[0].name", "expected exactly one, got both"),
    ("task-name-not-a-dns-label", [("- name: consume", "- name: Consume_It")],
     "spec.pipelineSpec.tasks[1].name", 'invalid value "Consume_It"'),
    ("task-name-too-long", [("- name: consume", f"- name: {LONG}")],
     "spec.pipelineSpec.tasks[1].name", f'invalid value "{LONG}"'),
    ("task-without-name", [("- name: consume\n", "- runAfter: [produce]\n"),
                           ("runAfter: [produce]\n        when", "when")],
     "spec.pipelineSpec.tasks[1].name", 'invalid value ""'),
    ("step-name-not-a-dns-label", [("- name: show", "- name: Show!")],
     "spec.pipelineSpec.tasks[1].taskSpec.steps[0].name", 'invalid value "Show!"'),
    ("step-name-too-long", [("- name: show", f"- name: {LONG}")],
     "spec.pipelineSpec.tasks[1].taskSpec.steps[0].name", f'invalid value "{LONG}"'),
    ("duplicate-step-name", [("            - {name: tell, image: busybox, script: 'echo $(params.outcome)'}\n",
                              "            - {name: tell, image: busybox, script: 'echo $(params.outcome)'}\n" * 2)],
     "spec.pipelineSpec.finally[0].taskSpec.steps[1].name", "expected exactly one, got both"),
    ("metadata-name", [("  name: admission", "  name: Admission_Run")],
     "metadata.name", 'invalid resource name "Admission_Run": must be a valid DNS label'),
    ("metadata-name-too-long", [("  name: admission", f"  name: {LONG}")],
     "metadata.name", "Invalid resource name: length must be no more than 63 characters"),
    ("metadata-generate-name", [("  name: admission", "  generateName: Admission-")],
     "metadata.name", 'invalid resource name "Admission-bcdfg"'),
    ("param-name", [("            - {name: greeting}\n", "            - {name: 9greeting}\n"),
                    ("$(params.greeting)\" >", "$(params.9greeting)\" >")],
     "spec.pipelineSpec.tasks[0].taskSpec.params", "The format of following array and string variable names is "
                                                   "invalid: [9greeting]"),
    ("result-name", [("results:\n            - {name: text}\n", "results:\n            - {name: -text}\n")],
     "spec.pipelineSpec.tasks[0].taskSpec.results[0].name", 'invalid key name "-text"'),
    ("result-path-of-undeclared-result", [("$(results.text.path)", "$(results.txt.path)")],
     "spec.pipelineSpec.tasks[0].taskSpec.steps[0].script", "non-existent variable in"),
    ("unknown-param-in-task-params", [("value: $(params.greeting)}", "value: $(params.greting)}")],
     "spec.pipelineSpec.tasks[0].params[greeting]", 'non-existent variable in "$(params.greting)"'),
    ("unknown-param-in-embedded-step", [("args: [$(params.text),", "args: [$(params.txt),")],
     "spec.pipelineSpec.tasks[1].taskSpec.steps[0].args[0]", 'non-existent variable in "$(params.txt)"'),
    ("result-of-unknown-task", [(CONSUME_PARAMS, CONSUME_PARAMS.replace("tasks.produce", "tasks.producer"))],
     "spec.pipelineSpec.tasks", "task consume depends on producer but producer wasn't present in Pipeline"),
    ("run-after-unknown-task", [("runAfter: [produce]", "runAfter: [ghost]")],
     "spec.pipelineSpec.tasks", "task consume depends on ghost but ghost wasn't present in Pipeline"),
    ("cycle", [(PRODUCE, PRODUCE + "        runAfter: [consume]\n")],
     "spec.pipelineSpec.tasks", 'cycle detected; task "consume" depends on "produce"'),
    ("run-after-in-finally", [(REPORT, REPORT + "        runAfter: [produce]\n")],
     "spec.pipelineSpec.finally[0]", "no runAfter allowed under spec.finally, final task report has runAfter"),
    ("when-operator", [("operator: in", "operator: equals")],
     "spec.pipelineSpec.tasks[1].when[0]", 'operator "equals" is not recognized. valid operators: in,notin'),
    ("when-without-values", [("values: [hello]", "values: []")],
     "spec.pipelineSpec.tasks[1].when[0]", "expecting non-empty values field"),
    ("negative-timeout", [("tasks: 40m", "tasks: -40m")],
     "spec.timeouts.tasks", "invalid value: -40m0s should be >= 0"),
    ("unparseable-timeout", [("pipeline: 1h", "pipeline: forever")],
     "spec.timeouts.pipeline", 'time: invalid duration "forever"'),
    ("tasks-timeout-over-pipeline", [("tasks: 40m", "tasks: 2h")],
     "spec.timeouts.tasks", "invalid value: 2h0m0s should be <= pipeline duration"),
    ("tasks-and-finally-over-pipeline", [("tasks: 40m", "tasks: 55m")],
     "spec.timeouts.finally", "55m0s + 10m0s should be <= pipeline duration"),
    ("unparseable-task-timeout", [("timeout: 10m", "timeout: 10 minutes")],
     "spec.pipelineSpec.tasks[0].timeout", "time: "),
    ("matrix-over-the-cap", [("            - {name: colour, value: $(params.colours)}\n",
                              "            - {name: colour, value: [%s]}\n" % ", ".join(f"c{i}" for i in range(300)))],
     "spec.pipelineSpec.tasks[1].matrix", "expected 0 <= 300 <= 256"),
    ("param-in-matrix-and-params", [(CONSUME_PARAMS, CONSUME_PARAMS + "          - {name: colour, value: red}\n")],
     "spec.pipelineSpec.tasks[1].matrix[colour], spec.pipelineSpec.tasks[1].params[colour]",
     "expected exactly one, got both"),
    ("script-and-command", [(f"{STEP}script: printf", f"{STEP}command: [sh]\n{STEP}script: printf")],
     "spec.pipelineSpec.tasks[0].taskSpec.steps[0].script", "script cannot be used with command"),
    ("step-without-image", [(f"{STEP}image: busybox\n{ECHO}", ECHO)],
     "spec.pipelineSpec.tasks[1].taskSpec.steps[0].Image", "missing field(s)"),
    ("task-ref-and-task-spec", [(REPORT, REPORT + "        taskRef: {name: reporter}\n")],
     f"{FINAL}.taskRef, {FINAL}.taskSpec", "expected exactly one, got multiple"),
    ("neither-task-ref-nor-task-spec", [(REPORT_SPEC, "")],
     f"{FINAL}.taskRef, {FINAL}.taskSpec", "expected exactly one, got neither"),
    ("retries-with-on-error-continue", [(PRODUCE, PRODUCE + "        onError: continue\n")],
     "spec.pipelineSpec.tasks[0]", 'PipelineTask OnError cannot be set to "continue" when Retries is greater than 0'),
    ("task-on-error", [(PRODUCE, PRODUCE + "        onError: sometimes\n")],
     "spec.pipelineSpec.tasks[0].OnError", "invalid value: sometimes"),
    ("step-on-error", [(ECHO, f"{STEP}onError: sometimes\n{ECHO}")],
     "spec.pipelineSpec.tasks[1].taskSpec.steps[0].onError", 'invalid value: "sometimes"'),
    ("negative-step-timeout", [(ECHO, f"{STEP}timeout: -1s\n{ECHO}")],
     "spec.pipelineSpec.tasks[1].taskSpec.steps[0].negative timeout", "invalid value: -1s"),
    ("status-in-a-dag-task", [(CONSUME_PARAMS, CONSUME_PARAMS.replace("results.text", "status"))],
     "spec.pipelineSpec.tasks[1].params[text].value", "pipeline tasks can not refer to execution status"),
    ("status-of-unknown-task", [("$(tasks.produce.status)", "$(tasks.ghost.status)")],
     "spec.pipelineSpec.finally[0].params[outcome].value", "pipeline task ghost is not defined in the pipeline"),
    ("finally-result-of-unknown-task", [("            - {name: outcome}\n",
                                         "            - {name: outcome}\n            - {name: r}\n"),
                                        ("          - {name: outcome, value: $(tasks.produce.status)}\n",
                                         "          - {name: outcome, value: $(tasks.produce.status)}\n"
                                         "          - {name: r, value: $(tasks.ghost.results.x)}\n")],
     "spec.pipelineSpec.finally[0].params[r].value", "final task has task result reference from a task ghost which is "
                                                     "not defined in the pipeline"),
    ("pipeline-result-of-unknown-task", [("value: $(tasks.produce.results.text)}\n    tasks:",
                                          "value: $(tasks.ghost.results.text)}\n    tasks:")],
     "spec.pipelineSpec.results[0].value", "referencing a nonexistent task"),
    ("result-in-a-run-param", [("{name: greeting, value: hello}",
                                "{name: greeting, value: $(tasks.produce.results.text)}")],
     "spec.params[greeting].value", "cannot use result expressions in [tasks.produce.results.text] as PipelineRun"),
    ("run-param-twice", [("    - {name: greeting, value: hello}\n",
                          "    - {name: greeting, value: hello}\n    - {name: Greeting, value: hi}\n")],
     "spec.params[Greeting].name", "expected exactly one, got both"),
    ("workspace-bound-twice", [("    - {name: shared, emptyDir: {}}\n", "    - {name: shared, emptyDir: {}}\n" * 2)],
     "spec.workspaces[1].name", 'workspace "shared" provided by pipelinerun more than once, at index 0 and 1'),
    ("workspace-binding-without-volume", [("{name: shared, emptyDir: {}}", "{name: shared}")],
     "spec.workspaces[0].configmap", "expected exactly one, got neither"),
    ("workspace-declared-twice", [("      - {name: shared}\n    results",
                                   "      - {name: shared}\n" * 2 + "    results")],
     "spec.pipelineSpec.workspaces[1]", 'workspace with name "shared" appears more than once'),
    ("spec-status", [("  params:\n    - {name: greeting, value: hello}", "  status: Paused\n  params:\n"
                                                                          "    - {name: greeting, value: hello}")],
     "spec.status", "invalid value: Paused should be Cancelled, CancelledRunFinally, StoppedRunFinally or"),
    ("shell-command-in-a-param", [("value: $(params.greeting)}", "value: $(date)}")],
     "spec.pipelineSpec.tasks[0].params[greeting].value", 'invalid variable reference "$(date)"'),
    ("unknown-context-variable", [(CONSUME_PARAMS, CONSUME_PARAMS
                                   + "          - {name: who, value: $(context.pipelineRun.owner)}\n")],
     "spec.pipelineSpec.tasks[1].params[who]", 'non-existent variable in "$(context.pipelineRun.owner)"'),
    ("task-param-twice", [(CONSUME_PARAMS, CONSUME_PARAMS * 2)],
     "spec.pipelineSpec.tasks[1].params[1].name", 'parameter names must be unique, the parameter "text" is also'),
    ("param-default-of-another-type", [("{name: colours, type: array,", "{name: colours, type: string,")],
     "spec.pipelineSpec.params.colours.default.type, spec.pipelineSpec.params.colours.type",
     "\"string\" type does not match default value's type: \"array\""),
]

# (id, replacements, path, message): Tekton's webhook lets these pass; its controller fails the
# run when it starts, or when it creates the TaskRun (whose own admission refuses it)
RUN_START = [
    ("workspace-not-bound-by-the-run", [("  workspaces:\n    - {name: shared, emptyDir: {}}\n", "")],
     "spec.workspaces", 'pipeline requires workspace with name "shared" be provided by pipelinerun'),
    ("task-binds-an-undeclared-workspace", [("workspace: shared}", "workspace: elsewhere}")],
     "spec.pipelineSpec.tasks[0].workspaces[0]",
     'expected workspace "elsewhere" to be provided by pipelinerun for pipeline task "produce"'),
    ("result-the-task-does-not-declare", [(CONSUME_PARAMS, CONSUME_PARAMS.replace("results.text", "results.txt"))],
     "spec.pipelineSpec.tasks[1]", 'invalid result reference in pipeline task "consume": "txt" is not a named result '
                                   'returned by pipeline task "produce"'),
    ("pipeline-result-the-task-does-not-declare", [("value: $(tasks.produce.results.text)}\n    tasks:",
                                                    "value: $(tasks.produce.results.txt)}\n    tasks:")],
     "spec.pipelineSpec.results[0]", 'invalid pipeline result "said": "txt" is not a named result'),
    ("negative-retries", [("retries: 1", "retries: -1")],
     "spec.pipelineSpec.tasks[0].retries", "invalid value: -1 should be >= 0"),
    ("negative-task-timeout", [("timeout: 10m", "timeout: -10m")],
     "spec.pipelineSpec.tasks[0].timeout", "invalid value: -10m0s should be >= 0"),
    ("task-run-spec-of-unknown-task", [("  params:\n    - {name: greeting, value: hello}",
                                        "  taskRunSpecs:\n    - {pipelineTaskName: ghost}\n  params:\n"
                                        "    - {name: greeting, value: hello}")],
     "spec.taskRunSpecs[0].pipelineTaskName", "pipelineRun's taskrunSpecs defined wrong taskName: \"ghost\""),
]


def _variant(replacements: list[tuple[str, str]]) -> str:
    text = VALID
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} is not in the valid run exactly once"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def tekton_verdicts(tmp_path_factory):
    """Tekton's verdict on the valid run and on every variation, in one call of the harness."""
    directory = tmp_path_factory.mktemp("variants")
    paths = {"valid": directory / "valid.yaml"}
    paths["valid"].write_text(VALID)
    for case_id, replacements, _, _ in ADMISSION + RUN_START:
        paths[case_id] = directory / f"{case_id}.yaml"
        paths[case_id].write_text(_variant(replacements))
    report = validate_files(list(paths.values()))
    by_file = {Path(d.file).stem: d for d in report.documents}
    assert by_file["valid"].ok, by_file["valid"].errors  # the table varies a run Tekton accepts
    return by_file, paths


def _messages(text: str) -> list[str]:
    return [e.message for e in admission_errors(tekton.document_from_data(yaml.safe_load(text))).merged()]


@pytest.mark.parametrize("case_id, replacements, path, message", ADMISSION, ids=[c[0] for c in ADMISSION])
def test_tekton_refuses_it_and_so_does_tekflow_run(tekton_verdicts, tmp_path, case_id, replacements, path, message):
    verdicts, paths = tekton_verdicts
    verdict = verdicts[case_id]
    assert not verdict.ok, f"Tekton accepts {case_id}; tekflow must not refuse it"
    tekton_lines = [e.splitlines()[0] for e in verdict.errors]
    assert any(message in line for line in tekton_lines), tekton_lines
    ours = _messages(paths[case_id].read_text())
    assert ours, "tekflow's admission finds nothing wrong"
    for mine in ours:  # every message tekflow gives is one Tekton gives
        assert any(mine in line for line in tekton_lines), (mine, tekton_lines)
    proc = tekflow("run", paths[case_id], "--run-dir", tmp_path / "run", cwd=tmp_path)
    line = assert_user_error(proc, "Tekton would refuse PipelineRun", message, f": {path}")
    assert str(paths[case_id]) in line
    assert not (tmp_path / "run").exists()  # refused before anything ran


@pytest.mark.parametrize("case_id, replacements, path, message", RUN_START, ids=[c[0] for c in RUN_START])
def test_what_tektons_controller_refuses_fails_before_anything_runs(tekton_verdicts, tmp_path, case_id,
                                                                    replacements, path, message):
    verdicts, paths = tekton_verdicts
    assert verdicts[case_id].ok, verdicts[case_id].errors  # the webhook's part: it lets them pass
    proc = tekflow("run", paths[case_id], "--run-dir", tmp_path / "run", cwd=tmp_path)
    assert_user_error(proc, "at its start", message, f": {path}")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("text, path, message", [
    ("apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: bare}\n",
     "spec.pipelineRef, spec.pipelineSpec", "expected exactly one, got neither"),
    ("apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: bare}\nspec: {}\n",
     "spec.pipelineRef, spec.pipelineSpec", "expected exactly one, got neither"),
    ("apiVersion: tekton.dev/v1\nkind: PipelineRun\nspec:\n  pipelineSpec:\n    tasks:\n"
     "      - {name: a, taskSpec: {steps: [{name: s, image: busybox, script: 'true'}]}}\n",
     "metadata.name", 'invalid resource name ""'),
    ("apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: bare}\nspec:\n  pipelineSpec: {}\n",
     "spec.pipelineSpec.description", "expected at least one, got none"),
], ids=["no-spec", "empty-spec", "no-metadata", "empty-pipeline-spec"])
def test_a_run_missing_its_parts_is_refused_not_an_internal_error(tmp_path, text, path, message):
    source = tmp_path / "run.yaml"
    source.write_text(text)
    report = validate_files([source])
    assert not report.ok and any(message in e for e in report.errors), report.errors
    assert_user_error(tekflow("run", source, "--run-dir", tmp_path / "run", cwd=tmp_path), message, path)


PIPELINE_DOC = """\
apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: shared-pipe}
spec:
  tasks:
    - name: a
      workspaces: [{name: data, workspace: nowhere}]
      taskRef: {name: lister}
---
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: by-ref}
spec:
  pipelineRef: {name: shared-pipe}
"""
TASK_DOC = """\
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: lister}
spec:
  workspaces: [{name: data, optional: true}]
  steps:
    - {name: s, image: busybox, script: 'ls $(params.where)'}
"""


@pytest.mark.parametrize("documents, tasks_file, where, path, message", [
    (PIPELINE_DOC + "---\n" + TASK_DOC.replace("$(params.where)", "."), None, "run.yaml: document 0",
     "spec.tasks[0].workspaces[0]", 'pipeline task "a" expects workspace with name "nowhere" but none exists'),
    (PIPELINE_DOC.replace("workspace: nowhere", "workspace: data").replace("  tasks:", "  workspaces: [{name: data}]\n"
                                                                           "  tasks:")
     + "  workspaces: [{name: data, emptyDir: {}}]\n", TASK_DOC, "tasks.yaml: document 0", "spec.steps[0].script",
     'non-existent variable in "ls $(params.where)"'),
], ids=["pipeline-with-an-undeclared-workspace", "task-using-an-undeclared-param"])
def test_pipeline_and_task_documents_are_admitted_too(tmp_path, documents, tasks_file, where, path, message):
    """The Pipeline and Task documents a run names (in its file or in --tasks files) are checked
    as Tekton checks them on create: nothing is propagated into them."""
    run_file = tmp_path / "run.yaml"
    run_file.write_text(documents)
    files, args = [run_file], []
    if tasks_file is not None:
        (tmp_path / "tasks.yaml").write_text(tasks_file)
        files, args = [run_file, tmp_path / "tasks.yaml"], ["--tasks", tmp_path / "tasks.yaml"]
    report = validate_files(files)
    assert not report.ok and any(message in e for e in report.errors), report.errors
    proc = tekflow("run", run_file, *args, "--run-dir", tmp_path / "run", cwd=tmp_path)
    assert_user_error(proc, where, message, f": {path}")


def test_a_step_without_a_name_runs_as_tekton_runs_it(tmp_path):
    """Tekton accepts an unnamed step (its container is step-unnamed-<index>)."""
    text = VALID.replace("- {name: tell, image: busybox,", "- {image: busybox,")
    source = tmp_path / "run.yaml"
    source.write_text(text)
    assert validate_files([source]).ok
    result = local.run(source, run_dir=tmp_path / "run")
    assert result.status == "Succeeded", result.summary()
    assert result.results == {"said": "hello"}
    assert result.tasks["report"].logs == {"unnamed-0": str(result.run_dir / "tasks" / "report" / "unnamed-0.log")}


def test_a_pipelinerun_object_is_admitted_before_it_runs(tmp_path):
    """The Python API's objects (compiled here, then changed) pass the same checks as files."""
    run = Compiler().compile_to_pipelinerun(str(ROOT / "samples" / "quickstart.py"))
    run.spec.pipeline_spec.tasks[1].name = run.spec.pipeline_spec.tasks[0].name
    with pytest.raises(AdmissionError) as refused:
        local.run(run, run_dir=tmp_path / "run")
    assert "expected exactly one, got both: spec.pipelineSpec.tasks[1].name" in str(refused.value)
    assert not (tmp_path / "run").exists()
