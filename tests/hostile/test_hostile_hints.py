"""`dsl.gpu`, `dsl.schedule` and `@dsl.schedule_pipeline` refuse a bad argument when called, naming
it (Kubernetes' own rules for labels, tolerations and affinity); `tekflow compile`/`run` of such a
pipeline, or of an IR file carrying such hints, is one `error:` line with exit code 2."""

import copy
import math
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from cli_support import assert_user_error, tekflow

from tekflow import dsl
from tekflow.dsl.hints import HintError, HintTypeError
from tekflow.errors import TekflowError


@dsl.component(base_image="python:3.11")
def work(x: int) -> int:
    return x


def _hinted(hint: Callable[[Any], Any]) -> None:
    @dsl.pipeline(name="hinted")
    def hinted():
        hint(work(x=1))


def _affinity(requirement: dict) -> dict:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [requirement]}]}}}


# name, hint, error class, needle of the message
BAD_HINTS: list[tuple[str, Callable[[Any], Any], type, str]] = [
    ("selector-key-space", lambda t: dsl.schedule(t, node_selector={"bad key!": "v"}), HintError,
     "dsl.schedule: node_selector key 'bad key!' is not a valid label key"),
    ("selector-key-two-slashes", lambda t: dsl.schedule(t, node_selector={"a/b/c": "v"}), HintError,
     "node_selector key 'a/b/c' is not a valid label key"),
    ("selector-key-upper-prefix", lambda t: dsl.schedule(t, node_selector={"Example.COM/gpu": "v"}), HintError,
     "node_selector key 'Example.COM/gpu'"),
    ("selector-key-too-long", lambda t: dsl.schedule(t, node_selector={"k" * 64: "v"}), HintError,
     "is not a valid label key"),
    ("selector-value", lambda t: dsl.schedule(t, node_selector={"pool": "bad value!"}), HintError,
     "node_selector['pool'] 'bad value!' is not a valid label value"),
    ("selector-value-too-long", lambda t: dsl.schedule(t, node_selector={"pool": "v" * 64}), HintError,
     "is not a valid label value"),
    ("selector-string", lambda t: dsl.schedule(t, node_selector="pool=gpu"), HintTypeError,
     "node_selector: expected a mapping of label keys to values, got str 'pool=gpu'"),
    ("selector-number-value", lambda t: dsl.schedule(t, node_selector={"pool": 1}), HintTypeError,
     "node_selector: keys and values must be strings"),
    ("toleration-operator", lambda t: dsl.schedule(t, tolerations=[{"operator": "Bogus"}]), HintError,
     "tolerations[0].operator: 'Bogus' is not supported (Equal or Exists; empty means Equal)"),
    ("toleration-no-key-equal", lambda t: dsl.schedule(t, tolerations=[{"operator": "Equal", "value": "v"}]),
     HintError, "tolerations[0].operator: must be 'Exists' when key is empty"),
    ("toleration-exists-value", lambda t: dsl.schedule(t, tolerations=[{"key": "k", "operator": "Exists",
                                                                        "value": "v"}]),
     HintError, "tolerations[0].value: must be empty when operator is 'Exists'"),
    ("toleration-effect", lambda t: dsl.schedule(t, tolerations=[{"key": "k", "effect": "Sometimes"}]), HintError,
     "tolerations[0].effect: 'Sometimes' is not supported"),
    ("toleration-seconds-effect", lambda t: dsl.schedule(t, tolerations=[
        {"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 30}]), HintError,
     "tolerations[0].effect: must be 'NoExecute' when tolerationSeconds is set"),
    ("toleration-empty", lambda t: dsl.schedule(t, tolerations=[{}, {"key": "gpu type", "operator": "Exists"}]),
     HintError, "tolerations[0].operator: must be 'Exists'"),
    ("toleration-second-key", lambda t: dsl.schedule(t, tolerations=[{"operator": "Exists"},
                                                                     {"key": "gpu type", "operator": "Exists"}]),
     HintError, "tolerations[1].key 'gpu type' is not a valid label key"),
    ("toleration-value", lambda t: dsl.schedule(t, tolerations=[{"key": "k", "value": "a b"}]), HintError,
     "tolerations[0].value 'a b' is not a valid label value"),
    ("toleration-unknown-field", lambda t: dsl.schedule(t, tolerations=[{"key": "k", "colour": "blue"}]),
     HintTypeError, "tolerations[0].colour: unknown or unsupported field"),
    ("tolerations-mapping", lambda t: dsl.schedule(t, tolerations={"key": "k"}), HintTypeError,
     "tolerations: expected a list of mappings"),
    ("toleration-string", lambda t: dsl.schedule(t, tolerations=["k"]), HintTypeError,
     "tolerations[0]: expected a mapping, got str"),
    ("affinity-string", lambda t: dsl.schedule(t, affinity="zone-a"), HintTypeError,
     "affinity: expected a mapping, got str"),
    ("affinity-operator", lambda t: dsl.schedule(t, affinity=_affinity({"key": "zone", "operator": "Near"})),
     HintError, "matchExpressions[0].operator: 'Near' is not supported"),
    ("affinity-in-no-values", lambda t: dsl.schedule(t, affinity=_affinity({"key": "zone", "operator": "In"})),
     HintError, "matchExpressions[0].values: must be given when operator is 'In' or 'NotIn'"),
    ("affinity-exists-values", lambda t: dsl.schedule(t, affinity=_affinity(
        {"key": "zone", "operator": "Exists", "values": ["a"]})), HintError,
     "values: must be empty when operator is 'Exists' or 'DoesNotExist'"),
    ("affinity-gt-two-values", lambda t: dsl.schedule(t, affinity=_affinity(
        {"key": "mem", "operator": "Gt", "values": ["1", "2"]})), HintError,
     "values: must be a single value when operator is 'Gt' or 'Lt'"),
    ("affinity-key", lambda t: dsl.schedule(t, affinity=_affinity({"key": "a zone", "operator": "Exists"})),
     HintError, "matchExpressions[0].key 'a zone' is not a valid label key"),
    ("affinity-no-terms", lambda t: dsl.schedule(t, affinity={"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}), HintError,
     "nodeSelectorTerms: must have at least one node selector term"),
    ("affinity-weight", lambda t: dsl.schedule(t, affinity={"nodeAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 0, "preference": {}}]}}), HintError,
     "preferredDuringSchedulingIgnoredDuringExecution[0].weight: 0 is not in the range 1-100"),
    ("affinity-match-fields", lambda t: dsl.schedule(t, affinity={"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [
            {"key": "metadata.uid", "operator": "In", "values": ["x"]}]}]}}}), HintError,
     "matchFields[0].key: 'metadata.uid' is not supported (only metadata.name)"),
    ("pod-anti-affinity-topology", lambda t: dsl.schedule(t, affinity={"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": ""}]}}), HintError,
     "podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: must not be empty"),
    ("pod-affinity-weight", lambda t: dsl.schedule(t, affinity={"podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 101, "podAffinityTerm": {"topologyKey": "zone"}}]}}), HintError, "101 is not in the range"),
    ("queue-number", lambda t: dsl.schedule(t, queue=5), HintTypeError, "queue: expected a string, got int 5"),
    ("queue-empty", lambda t: dsl.schedule(t, queue=""), HintError, "queue: must not be empty"),
    ("queue-label", lambda t: dsl.schedule(t, queue="Team A!"), HintError,
     "queue name 'Team A!' is not a valid label value"),
    ("priority-too-long", lambda t: dsl.schedule(t, priority="p" * 64), HintError, "priority 'ppp"),
    ("gang", lambda t: dsl.schedule(t, gang="workers & friends"), HintError,
     "gang name 'workers & friends' is not a valid label value"),
    ("priority-class", lambda t: dsl.schedule(t, priority_class="Not_Valid"), HintError,
     "priority_class: 'Not_Valid' is not a valid PriorityClass name"),
    ("priority-class-number", lambda t: dsl.schedule(t, priority_class=3), HintTypeError,
     "priority_class: expected a string"),
    ("spot-string", lambda t: dsl.schedule(t, spot="yes"), HintTypeError, "spot: expected True or False"),
    ("count-nan", lambda t: dsl.gpu(t, count=float("nan")), HintError,
     "dsl.gpu: GPU count must be a whole number >= 1, got nan"),
    ("count-infinity", lambda t: dsl.gpu(t, count=math.inf), HintError,
     "GPU count must be a whole number >= 1, got inf"),
    ("count-minus-infinity", lambda t: dsl.gpu(t, count=-math.inf), HintError, "got -inf"),
    ("count-zero", lambda t: dsl.gpu(t, count=0), HintError, "GPU count must be a whole number >= 1, got 0"),
    ("count-negative", lambda t: dsl.gpu(t, count=-2), HintError, "got -2"),
    ("count-fraction", lambda t: dsl.gpu(t, count=1.5), HintError, "got 1.5 (for part of a GPU use mig="),
    ("count-bool", lambda t: dsl.gpu(t, count=True), HintTypeError, "GPU count must be a whole number >= 1, got True"),
    ("count-string", lambda t: dsl.gpu(t, count="2"), HintTypeError, "got '2'"),
    ("count-none", lambda t: dsl.gpu(t, count=None), HintTypeError, "got None"),
    ("vendor-none", lambda t: dsl.gpu(t, vendor=None), HintTypeError, "vendor: expected a string"),
    ("vendor-empty", lambda t: dsl.gpu(t, vendor=""), HintError, "vendor: must not be empty"),
    ("product-number", lambda t: dsl.gpu(t, product=100), HintTypeError, "product: expected a string, got int 100"),
    ("mig-number", lambda t: dsl.gpu(t, mig=1), HintTypeError, "mig: expected a string"),
    ("shared-string", lambda t: dsl.gpu(t, shared="yes"), HintTypeError, "shared: expected True or False"),
    ("cpu-word", lambda t: dsl.gpu(t, cpu="lots"), HintError, "cpu='lots' is not a Kubernetes quantity"),
    ("cpu-nan", lambda t: dsl.gpu(t, cpu=float("nan")), HintError, "cpu=nan is not a Kubernetes quantity"),
    ("memory-spaced", lambda t: dsl.gpu(t, memory="64 GB"), HintError, "memory='64 GB' is not a Kubernetes quantity"),
    ("memory-bool", lambda t: dsl.gpu(t, memory=True), HintTypeError, "memory: expected a Kubernetes quantity"),
    ("min-memory-word", lambda t: dsl.gpu(t, min_memory="forty"), HintError, "min_memory='forty'"),
]


@pytest.mark.parametrize("name, hint, error, needle", BAD_HINTS, ids=[case[0] for case in BAD_HINTS])
def test_a_bad_hint_argument_is_refused_at_the_call(name, hint, error, needle):
    with pytest.raises(error) as raised:
        _hinted(hint)
    assert needle in str(raised.value), str(raised.value)
    # what dsl users catch: a ValueError (TypeError for a wrong type), and a TekflowError for the CLI
    assert isinstance(raised.value, (TypeError if error is HintTypeError else ValueError))
    assert isinstance(raised.value, TekflowError)


def test_pipeline_wide_scheduling_is_checked_at_the_call():
    with pytest.raises(HintError, match="dsl.schedule_pipeline: node_selector key 'bad key!'"):
        dsl.schedule_pipeline(node_selector={"bad key!": "v"})
    with pytest.raises(HintTypeError, match="dsl.schedule_pipeline: tolerations: expected a list"):
        dsl.schedule_pipeline(tolerations="nvidia.com/gpu")


def test_good_arguments_are_recorded_and_a_whole_float_count_as_an_integer():
    recorded = {}

    @dsl.pipeline(name="good")
    def good():
        task = work(x=1)
        dsl.gpu(task, count=2.0, product="A100-80GB", cpu=8, memory="64Gi", min_memory="40Gi")
        dsl.schedule(task, queue="research", priority="high", priority_class="batch-low", spot=True, gang="workers",
                     node_selector={"example.com/pool": "gpu_a-1.x", "zone": ""},
                     tolerations=[{"operator": "Exists"}, {"key": "nvidia.com/gpu", "operator": "Exists",
                                                          "effect": "NoExecute", "tolerationSeconds": 60},
                                  {"key": "k", "value": "v", "effect": "PreferNoSchedule"}],
                     affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                         {"weight": 100, "preference": {"matchExpressions": [
                             {"key": "mem", "operator": "Gt", "values": ["1024"]}]}}]},
                         "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                             {"topologyKey": "kubernetes.io/hostname",
                              "labelSelector": {"matchLabels": {"app": "train"}}}]}})
        recorded.update(task.platform_config["tekflow"])

    assert recorded["accelerator"]["count"] == 2 and isinstance(recorded["accelerator"]["count"], int)
    assert recorded["scheduling"]["node_selector"] == {"example.com/pool": "gpu_a-1.x", "zone": ""}


def _pipeline_file(tmp_path: Path, hint: str) -> Path:
    path = tmp_path / "hinted.py"
    path.write_text(
        "from tekflow import dsl\n\n\n"
        "@dsl.component(base_image='python:3.11')\n"
        "def work() -> int:\n"
        "    return 1\n\n\n"
        "@dsl.pipeline(name='hinted')\n"
        "def hinted():\n"
        "    task = work()\n"
        f"    {hint}\n")
    return path


@pytest.mark.parametrize("command, hint, needles", [
    ("compile", 'dsl.schedule(task, node_selector={"bad key!": "v"})',
     ("hinted.py:12: dsl.schedule: node_selector key 'bad key!' is not a valid label key",)),
    ("compile", 'dsl.schedule(task, tolerations=[{"operator": "Bogus"}])',
     ("hinted.py:12: dsl.schedule: tolerations[0].operator: 'Bogus' is not supported",)),
    ("compile", 'dsl.schedule(task, node_selector="str")', ("hinted.py:12: dsl.schedule: node_selector",)),
    ("run", 'dsl.gpu(task, count=float("nan"))', ("hinted.py:12: dsl.gpu: GPU count", "got nan")),
    ("run", 'dsl.gpu(task, count=float("inf"))', ("hinted.py:12: dsl.gpu: GPU count", "got inf")),
], ids=["compile-selector-key", "compile-toleration", "compile-selector-string", "run-count-nan", "run-count-inf"])
def test_a_pipeline_with_a_bad_hint_is_one_error_line(tmp_path, command, hint, needles):
    path = _pipeline_file(tmp_path, hint)
    extra = ["--no-tracking", "--run-dir", tmp_path / "run"] if command == "run" else []
    assert_user_error(tekflow(command, path, *extra, cwd=tmp_path), *needles)


@pytest.fixture(scope="module")
def hinted_ir(tmp_path_factory) -> list[dict]:
    """The IR of a pipeline with valid tekflow hints, as kfp writes it."""
    from kfp import compiler

    from tekflow.compiler import ir

    directory = tmp_path_factory.mktemp("ir")
    path = _pipeline_file(directory, 'dsl.schedule(task, queue="q", node_selector={"pool": "gpu"}, '
                                     'tolerations=[{"key": "k", "operator": "Exists"}])')
    (component,) = ir.pipelines_in_file(path).values()
    compiler.Compiler().compile(component, str(directory / "hinted.yaml"))
    return list(yaml.safe_load_all((directory / "hinted.yaml").read_text()))


@pytest.mark.parametrize("field, value, needles", [
    ("node_selector", {"bad key!": "v"}, ("task 'work': node_selector key 'bad key!' is not a valid label key",)),
    ("node_selector", "pool=gpu", ("task 'work': node_selector: expected a mapping, got str",)),
    ("tolerations", [{"operator": "Bogus"}], ("task 'work': tolerations[0].operator: 'Bogus' is not supported",)),
    ("tolerations", "k", ("task 'work': tolerations: expected a list, got str",)),
    ("affinity", {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 500, "preference": {}}]}}, ("weight: 500 is not in the range 1-100",)),
    (None, [1], ("task 'work': tekflow hint 'scheduling' must be a mapping of fields, got list",)),
], ids=["selector-key", "selector-string", "toleration-operator", "tolerations-string", "affinity-weight",
        "scheduling-list"])
def test_bad_hints_in_an_ir_file_are_one_error(tmp_path, hinted_ir, field, value, needles):
    documents = copy.deepcopy(hinted_ir)
    executor = documents[1]["platforms"]["tekflow"]["deploymentSpec"]["executors"]["exec-work"]
    if field is None:
        executor["scheduling"] = value
    else:
        executor["scheduling"][field] = value
    path = tmp_path / "hinted.yaml"
    path.write_text(yaml.safe_dump_all(documents))
    assert_user_error(tekflow("compile", path, cwd=tmp_path), *needles)
