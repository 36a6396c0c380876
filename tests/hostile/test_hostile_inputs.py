"""Bad files, bad KFP IR and unwritable outputs given to `tekflow compile` and `tekflow run`: one
`error:` line naming the file (and the field or the limit), exit code 2, never a traceback.

Every bad IR is a small change to the IR kfp writes for samples/quickstart.py (or for a small
pipeline with kfp-kubernetes settings and tekflow hints); each of these inputs used to end in an
internal error, a hang, a silent success or a message that did not name the problem.
"""

from __future__ import annotations

import copy
import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from cli_support import TEKFLOW, assert_user_error, tekflow

from tekflow.compiler import documents

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "samples" / "quickstart.py"


def _bomb(indent: str = "  ", levels: int = 9) -> str:
    """A "billion laughs": each anchor a list of nine aliases of the one before."""
    lines = [f"{indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"{indent}l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _merge_bomb() -> str:
    """The same growth through merge keys (`<<`), which PyYAML copies into each mapping."""
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}"]
    for i in range(1, 10):
        lines.append(f"m{i}: &m{i} {{k{i}: 1, <<: [" + ", ".join([f"*m{i - 1}"] * 9) + "]}")
    return "\n".join(lines) + "\n"


def _deep_block_mapping(levels: int) -> str:
    return "".join(" " * i + "a:\n" for i in range(levels)) + " " * levels + "1\n"


@pytest.fixture(scope="module")
def ir_text() -> str:
    from tekflow.compiler import ir

    (component,) = ir.pipelines_in_file(QUICKSTART).values()
    from kfp import compiler
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "quickstart.yaml"
        compiler.Compiler().compile(component, str(target))
        return target.read_text()


# name, file name, content (bytes, or text with {IR} for the quickstart IR), needles of the error
BAD_FILES: list[tuple[str, str, Any, tuple[str, ...]]] = [
    ("binary-yaml", "bad.yaml", b"\xff\xfe\x00\x01\x02binary\x00", ("bad.yaml", "not UTF-8 text", "0xff")),
    ("binary-yml", "bad.yml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("bad.yml", "not UTF-8 text", "0x89")),
    ("binary-json", "bad.json", b"\x1f\x8b\x08\x00gzip", ("bad.json", "not UTF-8 text", "0x8b at offset 1")),
    ("latin-1-ir", "latin.yaml", "LATIN1:{IR}", ("latin.yaml", "not UTF-8 text", "0xe9")),
    ("utf-16-yaml", "wide.yaml", "pipelineInfo: {name: x}".encode("utf-16"), ("wide.yaml", "not UTF-8 text")),
    ("binary-py", "bad.py", b"\x7fELF\x02\x01\x01\x00\x00\x00", ("bad.py", "not Python source text")),
    ("latin-1-py", "latin.py", b'x = "caf\xe9"\n', ("latin.py", "not UTF-8 text", "coding")),
    ("deep-flow-yaml", "deep.yaml", "[" * 100_000 + "]" * 100_000, ("deep.yaml", "nested more than 100 levels")),
    ("deep-block-yaml", "deep.yaml", "- " * 5_000 + "x\n", ("deep.yaml", "nested more than 100 levels")),
    ("deep-mapping-yaml", "deep.yaml", _deep_block_mapping(2_000), ("deep.yaml", "line 100", "100 levels")),
    ("deep-json", "deep.json", '{"a": ' * 50_000 + "1" + "}" * 50_000, ("deep.json", "nested more than 100")),
    ("deep-ir", "deep.yaml", "{IR}\n---\nplatforms:\n  x:\n" + textwrap.indent(_deep_block_mapping(1_500), "    "),
     ("deep.yaml", "nested more than 100 levels")),
    ("alias-bomb-ir", "bomb.yaml", "{IR}\n---\nplatforms:\n" + _bomb(), ("bomb.yaml", "YAML aliases", "1,000,000")),
    ("alias-bomb-top", "bomb.yaml", _bomb(indent=""), ("bomb.yaml", "line 7", "expand to more than 1,000,000")),
    ("merge-key-bomb", "merge.yaml", _merge_bomb(), ("merge.yaml", "YAML aliases expand to more than")),
    ("recursive-alias", "loop.yaml", "pipelineInfo: &a {name: [*a]}\nroot: {}\n", ("loop.yaml", "recursive document")),
    ("oversized", "big.yaml", "OVERSIZED", ("big.yaml", "larger than tekflow's limit of 16 MiB")),
    ("device", "zero.yaml", "DEVZERO", ("zero.yaml", "larger than tekflow's limit of 16 MiB")),
    ("huge-integer", "int.yaml", "pipelineInfo: {name: x}\nroot: {}\nn: " + "9" * 5_000 + "\n",
     ("int.yaml", "an integer of 5000 digits is too long to read", "line 3")),
    ("nan-default", "nan.yaml", "NAN:{IR}", ("nan.yaml", "root.inputDefinitions.parameters.noise.defaultValue",
                                             "nan is not a number KFP IR can hold")),
]


def _write(tmp_path: Path, name: str, content: Any, ir_text: str) -> Path:
    path = tmp_path / name
    if content == "OVERSIZED":
        with open(path, "wb") as f:  # a comment: cheap to parse, so only the size can refuse it
            f.write(b"#" * (documents.MAX_BYTES + 1))
    elif content == "DEVZERO":
        path.symlink_to("/dev/zero")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content.startswith("LATIN1:"):
        path.write_bytes(content[len("LATIN1:"):].replace("{IR}", ir_text).replace(
            "Fit a line", "Fit a line, café style").encode("latin-1"))
    elif content.startswith("NAN:"):
        text = content[len("NAN:"):].replace("{IR}", ir_text)
        path.write_text(text.replace("defaultValue: 0.1", "defaultValue: .nan"))
    else:
        path.write_text(content.replace("{IR}", ir_text))
    return path


@pytest.mark.parametrize("command", ["compile", "run"])
@pytest.mark.parametrize("name, filename, content, needles", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_file_is_one_error_line(tmp_path, ir_text, command, name, filename, content, needles):
    path = _write(tmp_path, filename, content, ir_text)
    extra = ["--no-tracking", "--run-dir", tmp_path / "run"] if command == "run" else []
    assert_user_error(tekflow(command, path, *extra, cwd=tmp_path), *needles)
    assert not (tmp_path / "run").exists()  # nothing ran


def _pipelinerun(tmp_path: Path) -> str:
    proc = tekflow("compile", QUICKSTART, "--task-documents", "--tasks-output", tmp_path / "tasks.yaml",
                   "-o", tmp_path / "run.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return (tmp_path / "run.yaml").read_text()


@pytest.mark.parametrize("where, content, needles", [
    ("run", "PRUN\n  annotations:\n" + _bomb(indent="    "), ("run.yaml", "YAML aliases expand")),
    ("run", "PRUN\n  annotations:\n    deep: " + "[" * 20_000 + "]" * 20_000 + "\n", ("run.yaml", "100 levels")),
    ("tasks", b"\xff\xfe\x00\x00", ("tasks.yaml", "not UTF-8 text")),
    ("tasks", _bomb(indent=""), ("tasks.yaml", "YAML aliases expand")),
    ("tasks", "- " * 3_000 + "x\n", ("tasks.yaml", "nested more than 100 levels")),
], ids=["bomb-in-pipelinerun", "deep-pipelinerun", "binary-tasks", "bomb-in-tasks", "deep-tasks"])
def test_a_bad_tekton_file_is_one_error_line(tmp_path, where, content, needles):
    run_text = _pipelinerun(tmp_path)
    if where == "run":  # the bad part goes into the PipelineRun's metadata
        head, rest = run_text.split("metadata:\n", 1)
        (tmp_path / "run.yaml").write_text(content.replace("PRUN", head + "metadata:") + rest)
    elif isinstance(content, bytes):
        (tmp_path / "tasks.yaml").write_bytes(content)
    else:
        (tmp_path / "tasks.yaml").write_text(content)
    proc = tekflow("run", tmp_path / "run.yaml", "--tasks", tmp_path / "tasks.yaml", "--no-tracking",
                   "--run-dir", tmp_path / "out", cwd=tmp_path)
    assert_user_error(proc, *needles)


def _dag(ir: dict) -> dict:
    return ir["root"]["dag"]


def _container(ir: dict) -> dict:
    return ir["deploymentSpec"]["executors"]["exec-train"]["container"]


def _set(get: Callable[[dict], dict], key: str, value: Any) -> Callable[[dict], None]:
    return lambda ir: get(ir).__setitem__(key, value)


def _task_input(task: str, kind: str, name: str, value: dict) -> Callable[[dict], None]:
    return lambda ir: _dag(ir)["tasks"][task].setdefault("inputs", {}).setdefault(kind, {}).__setitem__(name, value)


OUTPUT = lambda ir: _dag(ir)["outputs"]["parameters"]["Output"]["valueFromParameter"]  # noqa: E731
TRAIN_DATA = lambda ir: _dag(ir)["tasks"]["train"]["inputs"]["artifacts"]["data"]["taskOutputArtifact"]  # noqa: E731

# name, change to the quickstart IR, needles
BAD_IR: list[tuple[str, Callable[[dict], None], tuple[str, ...]]] = [
    ("image-int", _set(_container, "image", 1),
     ("deploymentSpec.executors.exec-train.container.image: expected a string, got integer 1",)),
    ("args-string", _set(_container, "args", "--x"),
     ("deploymentSpec.executors.exec-train.container.args: expected a list of strings, got string",)),
    ("args-mapping", _set(_container, "args", {"a": 1}), ("container.args: expected a list of strings, got mapping",)),
    ("command-item-int", _set(_container, "command", ["sh", 7]),
     ("deploymentSpec.executors.exec-train.container.command[1]: expected a string, got integer 7",)),
    ("container-list", _set(lambda ir: ir["deploymentSpec"]["executors"]["exec-train"], "container", [1]),
     ("deploymentSpec.executors.exec-train.container: expected a mapping, got list",)),
    ("tasks-list", _set(_dag, "tasks", [1, 2]), ("root.dag.tasks: expected a mapping, got list",)),
    ("components-list", lambda ir: ir.__setitem__("components", ["comp-train"]),
     ("components: expected a mapping, got list",)),
    ("pipeline-name-int", _set(lambda ir: ir["pipelineInfo"], "name", 5),
     ("pipelineInfo.name: expected a string, got integer 5",)),
    ("parameter-type-unknown", _set(lambda ir: ir["components"]["comp-train"]["outputDefinitions"]["parameters"]
                                    ["Output"], "parameterType", "FLOAT"),
     ("components.comp-train.outputDefinitions.parameters.Output.parameterType: expected one of", "NUMBER_DOUBLE")),
    ("caching-string", _set(lambda ir: _dag(ir)["tasks"]["train"]["cachingOptions"], "enableCache", "yes"),
     ("root.dag.tasks.train.cachingOptions.enableCache: expected true or false, got string 'yes'",)),
    ("default-infinity", _set(lambda ir: ir["root"]["inputDefinitions"]["parameters"]["noise"], "defaultValue",
                              float("inf")), ("noise.defaultValue: inf is not a number KFP IR can hold",)),
    ("constant-too-large", _task_input("make-dataset", "parameters", "points",
                                       {"runtimeValue": {"constant": 10 ** 400}}),
     ("root.dag.tasks.make-dataset.inputs.parameters.points.runtimeValue.constant: an integer of 1329 bits",)),
    ("output-from-missing-task", _set(OUTPUT, "producerSubtask", "nope"),
     ("the pipeline, output 'Output' comes from task 'nope', which is not in the same DAG",
      "tasks there: evaluate, make-dataset, train")),
    ("output-missing-key", _set(OUTPUT, "outputParameterKey", "score"),
     ("output 'Output' takes output parameter 'score' of task 'evaluate', which has no such output",
      "its output parameters: Output")),
    ("artifact-output-missing-task", lambda ir: _dag(ir)["outputs"].__setitem__("artifacts", {"m": {
        "artifactSelectors": [{"producerSubtask": "gone", "outputArtifactKey": "model"}]}}),
     ("output 'm' comes from task 'gone', which is not in the same DAG",)),
    ("input-from-missing-task", _set(TRAIN_DATA, "producerTask", "nope"),
     ("task 'train': input 'data' comes from task 'nope', which is not in the same DAG",)),
    ("input-missing-output", _set(TRAIN_DATA, "outputArtifactKey", "rows"),
     ("task 'train': input 'data' takes output artifact 'rows' of task 'make-dataset', which has no such output",
      "its output artifacts: data")),
    ("parameter-input-missing-output", _task_input("evaluate", "parameters", "x", {"taskOutputParameter": {
        "producerTask": "train", "outputParameterKey": "slope"}}),
     ("input 'x' takes output parameter 'slope' of task 'train'",)),
    ("input-from-missing-pipeline-input", _task_input("make-dataset", "parameters", "noise",
                                                      {"componentInputParameter": "jitter"}),
     ("input 'noise' takes input 'jitter' of the pipeline, which declares no such input", "its inputs: noise, points")),
    ("dependent-missing-task", _set(lambda ir: _dag(ir)["tasks"]["train"], "dependentTasks", ["ghost"]),
     ("task 'train': dependentTasks names task 'ghost', which is not in the same DAG",)),
    ("component-ref-missing", _set(lambda ir: _dag(ir)["tasks"]["train"]["componentRef"], "name", "comp-gone"),
     ("task 'train': componentRef 'comp-gone' names no component", "comp-evaluate")),
    ("executor-label-missing", _set(lambda ir: ir["components"]["comp-train"], "executorLabel", "exec-gone"),
     ("component 'comp-train': executorLabel 'exec-gone' names no executor in deploymentSpec.executors",)),
    ("executor-removed", lambda ir: ir["deploymentSpec"]["executors"].pop("exec-train"),
     ("executorLabel 'exec-train' names no executor", "found: exec-evaluate, exec-make-dataset")),
]


def _bad_ir(tmp_path: Path, ir_text: str, change: Callable[[dict], None]) -> Path:
    ir = yaml.safe_load(ir_text)
    change(ir)
    path = tmp_path / "ir.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(ir)))
    return path


@pytest.mark.parametrize("name, change, needles", BAD_IR, ids=[case[0] for case in BAD_IR])
def test_bad_ir_is_one_error_naming_the_field(tmp_path, ir_text, name, change, needles):
    path = _bad_ir(tmp_path, ir_text, change)
    assert_user_error(tekflow("compile", path, cwd=tmp_path), "ir.yaml", *needles)


@pytest.mark.parametrize("name", ["image-int", "output-from-missing-task", "input-missing-output",
                                  "executor-label-missing"])
def test_bad_ir_is_refused_by_run_before_anything_runs(tmp_path, ir_text, name):
    (change, needles), = [(c, n) for case, c, n in BAD_IR if case == name]
    path = _bad_ir(tmp_path, ir_text, change)
    proc = tekflow("run", path, "--no-tracking", "--run-dir", tmp_path / "run", cwd=tmp_path)
    assert_user_error(proc, "ir.yaml", *needles)
    assert not (tmp_path / "run").exists()


KUBERNETES_PIPELINE = '''
from kfp import dsl, kubernetes

@dsl.component(base_image="python:3.11")
def work(x: int) -> int:
    return x

@dsl.pipeline(name="k8s")
def k8s():
    task = work(x=1)
    kubernetes.add_node_selector(task, label_key="pool", label_value="gpu")
    kubernetes.add_toleration(task, key="k", operator="Equal", value="v", effect="NoSchedule")
    kubernetes.use_secret_as_env(task, secret_name="s", secret_key_to_env={"k": "K"})
    kubernetes.add_node_affinity(task, match_expressions=[{"key": "zone", "operator": "In", "values": ["a"]}])
'''


@pytest.fixture(scope="module")
def kubernetes_ir(tmp_path_factory) -> list[dict]:
    directory = tmp_path_factory.mktemp("k8s")
    (directory / "k8s.py").write_text(KUBERNETES_PIPELINE)
    from kfp import compiler

    from tekflow.compiler import ir

    (component,) = ir.pipelines_in_file(directory / "k8s.py").values()
    compiler.Compiler().compile(component, str(directory / "k8s.yaml"))
    return list(yaml.safe_load_all((directory / "k8s.yaml").read_text()))


def _settings(documents: list[dict]) -> dict:
    return documents[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-work"]


@pytest.mark.parametrize("key, value, needles", [
    ("nodeSelector", "pool=gpu", ("executors.exec-work.nodeSelector: expected a mapping, got string",)),
    ("nodeSelector", {"labels": "pool"}, ("exec-work.nodeSelector.labels: expected a mapping",)),
    ("tolerations", ["k=v"], ("exec-work.tolerations[0]: expected a mapping, got string",)),
    ("secretAsEnv", {"secretName": "s"}, ("exec-work.secretAsEnv: expected a list of mappings",)),
    ("secretAsEnv", [{"secretName": "s", "keyToEnv": [{"secretKey": "k"}]}],
     ("task 'work': a kfp-kubernetes setting has no 'envVar' field",)),
    ("nodeAffinity", [{"matchExpressions": [{"operator": "In", "values": ["a"]}]}],
     ("task 'work': a kfp-kubernetes setting has no 'key' field",)),
], ids=["selector-string", "selector-labels-string", "toleration-string", "secrets-mapping", "secret-without-env",
        "affinity-without-key"])
def test_bad_kubernetes_settings_in_ir_are_one_error(tmp_path, kubernetes_ir, key, value, needles):
    documents = copy.deepcopy(kubernetes_ir)
    _settings(documents)[key] = value
    path = tmp_path / "k8s.yaml"
    path.write_text(yaml.safe_dump_all(documents))
    assert_user_error(tekflow("compile", path, cwd=tmp_path), *needles)


@pytest.mark.parametrize("content, needles", [
    (b"\xff\xfevendors", ("lab.yaml", "not UTF-8 text")),
    ("vendors: {nvidia: {resource: nvidia.com/gpu}}\nunused:\n" + _bomb(), ("lab.yaml", "YAML aliases expand")),
    ("vendors: " + "[" * 5_000 + "]" * 5_000, ("lab.yaml", "nested more than 100 levels")),
    ("vendors: [nvidia]\n", ("cluster profile lab.yaml: vendors: expected a mapping, got list",)),
    ("vendors: {nvidia: {resource: x, colour: blue}}\n", ("vendors.nvidia.colour: unknown or unsupported field",)),
    ("vendors: {nvidia: {resource: x, taints: [{key: k, operator: Sometimes}]}}\n",
     ("vendors.nvidia.taints[0].operator: 'Sometimes' is not supported",)),
], ids=["binary", "alias-bomb", "deep", "vendors-list", "unknown-field", "bad-taint"])
def test_a_bad_profile_file_is_one_error(tmp_path, content, needles):
    profile = tmp_path / "lab.yaml"
    profile.write_bytes(content) if isinstance(content, bytes) else profile.write_text(content)
    proc = tekflow("compile", ROOT / "samples" / "gpu_training.py", "--profile", "lab.yaml", cwd=tmp_path)
    assert_user_error(proc, *needles)


def test_yaml_only_values_in_ir_are_read_as_their_text(tmp_path, ir_text):
    """A date where a string belongs (unquoted `2024-01-01`) is that text, as protobuf's JSON has it."""
    path = tmp_path / "dated.yaml"
    path.write_text(ir_text.replace("description: Fit a line and measure the error.", "description: 2024-01-01"))
    proc = tekflow("compile", path, "-o", tmp_path / "out.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_the_size_limit_is_exact(tmp_path):
    at_limit = tmp_path / "at.yaml"
    at_limit.write_bytes(b"#" * documents.MAX_BYTES)
    assert documents.load_all(at_limit) == []
    over = tmp_path / "over.yaml"
    over.write_bytes(b"#" * (documents.MAX_BYTES + 1))
    with pytest.raises(documents.DocumentError, match="larger than tekflow's limit of 16 MiB"):
        documents.load_all(over)


def test_nesting_and_aliases_below_the_limits_are_read(tmp_path):
    path = tmp_path / "fine.yaml"
    shared = "base: &base {image: python:3.11, args: [a, b]}\n"
    path.write_text(shared + "".join(f"task{i}: {{<<: *base, name: t{i}}}\n" for i in range(100))
                    + "deep: " + "[" * 99 + "]" * 99 + "\n")
    (document,) = documents.load_all(path)
    assert document["task99"] == {"image": "python:3.11", "args": ["a", "b"], "name": "t99"}


# -o and --tasks-output targets that cannot be written


def _compile_to(tmp_path: Path, *args: Any, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    """`tekflow compile` with an optional file size limit (RLIMIT_FSIZE): writes past it fail (EFBIG)."""
    command = [TEKFLOW, "compile", str(QUICKSTART), *map(str, args)]
    if limit_bytes is not None:
        command = ["sh", "-c", f'ulimit -f {limit_bytes // 1024} && exec "$@"', "sh", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ))


def test_output_to_a_full_device_is_one_error(tmp_path):
    assert_user_error(_compile_to(tmp_path, "-o", "/dev/full"), "/dev/full", "No space left on device")
    assert os.path.exists("/dev/full") and not os.path.isfile("/dev/full")  # still the device


def test_tasks_output_to_a_full_device_is_one_error_and_writes_nothing_else(tmp_path):
    proc = _compile_to(tmp_path, "--task-documents", "--tasks-output", "/dev/full", "-o", tmp_path / "run.yaml")
    assert_user_error(proc, "/dev/full", "No space left on device")
    assert not (tmp_path / "run.yaml").exists()


def test_standard_output_that_cannot_be_written_is_one_error(tmp_path):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([TEKFLOW, "compile", str(QUICKSTART)], stdout=full, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == ["error: cannot write to standard output: No space left on device"]


@pytest.mark.parametrize("option", ["-o", "--tasks-output"])
def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path, option):
    target = tmp_path / "out.yaml"
    target.write_text("previous content\n")
    args = [option, target] if option == "-o" else ["--task-documents", option, target, "-o", tmp_path / "run.yaml"]
    proc = _compile_to(tmp_path, *args, limit_bytes=4096)  # the output is larger than 4 KiB
    assert_user_error(proc, "out.yaml", "File too large")
    assert target.read_text() == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml"]
    # written in full once it can be, with the target's own permissions (not the temporary file's 0600)
    target.chmod(0o640)
    assert _compile_to(tmp_path, *args).returncode == 0
    assert target.read_text().startswith("apiVersion: tekton.dev/v1") and target.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("source", ["ir", "pipelinerun"])
def test_a_deeply_nested_parameter_value_is_one_error(tmp_path, ir_text, source):
    if source == "ir":
        (tmp_path / "ir.yaml").write_text(ir_text)
        args, needles = ["compile", "ir.yaml", "-p", "noise=" + "[" * 50_000], ("parameter 'noise'",)
    else:
        _pipelinerun(tmp_path)
        args = ["run", "run.yaml", "--tasks", "tasks.yaml", "--no-tracking", "--run-dir", tmp_path / "out",
                "-p", "points=" + "[" * 50_000 + "]" * 50_000]
        needles = ("a -p value",)
    assert_user_error(tekflow(*args, cwd=tmp_path), *needles, "nested more than 100 levels deep")
