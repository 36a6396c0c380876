"""The typed Tekton model: camelCase round trip, empty-field dropping, strict parsing."""

import pytest
import yaml

from tekflow.compiler import k8s, tekton
from tekflow.compiler.emit import to_yaml
from tekflow.compiler.serde import ModelError, from_data, to_data

RUN = """
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  generateName: demo-
spec:
  params:
  - name: words
    value: [a, b]
  pipelineSpec:
    params:
    - name: words
      type: array
    - name: opt
      type: string
      default: ""
    tasks:
    - name: first
      retries: 2
      when:
      - input: $(params.opt)
        operator: notin
        values: ["skip"]
      taskSpec:
        steps:
        - name: main
          image: busybox
          onError: continue
          env:
          - name: TOKEN
            valueFrom:
              secretKeyRef: {name: s, key: k}
          computeResources:
            limits: {nvidia.com/gpu: "1"}
    finally:
    - name: last
      taskRef: {name: cleanup}
  timeouts: {pipeline: 1h0m0s, finally: 10m0s}
  workspaces:
  - name: scratch
    emptyDir: {}
  taskRunSpecs:
  - pipelineTaskName: first
    podTemplate:
      nodeSelector: {gpu: "true"}
      tolerations:
      - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
"""


def test_round_trip_keeps_every_field():
    data = yaml.safe_load(RUN)
    run = tekton.document_from_data(data)
    assert isinstance(run, tekton.PipelineRun)
    assert run.spec.pipeline_spec.finally_[0].task_ref.name == "cleanup"
    assert run.spec.pipeline_spec.tasks[0].task_spec.steps[0].env[0].value_from.secret_key_ref.key == "k"
    assert run.spec.timeouts.finally_ == "10m0s"
    assert to_data(run) == data


def test_empty_default_and_empty_dir_survive():
    out = yaml.safe_load(to_yaml(tekton.document_from_data(yaml.safe_load(RUN))))
    assert out["spec"]["pipelineSpec"]["params"][1]["default"] == ""
    assert out["spec"]["workspaces"][0]["emptyDir"] == {}


def test_unset_fields_are_dropped_and_api_version_first():
    run = tekton.PipelineRun(metadata=k8s.ObjectMeta(name="x"), spec=tekton.PipelineRunSpec())
    assert list(to_data(run)) == ["apiVersion", "kind", "metadata", "spec"]
    assert to_data(run)["spec"] == {}


@pytest.mark.parametrize(
    "path, value, message",
    [
        (("spec", "pipelineSpec", "tasks", 0, "taskSpec", "steps", 0), {"resources": {}}, "steps[0].resources: unknown"),
        (("spec", "pipelineSpec", "tasks", 0), {"retries": "two"}, "tasks[0].retries: expected an integer"),
        (("spec", "pipelineSpec", "tasks", 0, "taskSpec", "steps", 0, "env", 0), {"bogus": 1}, "env[0].bogus: unknown"),
    ],
)
def test_strict_parsing_names_the_field(path, value, message):
    data = yaml.safe_load(RUN)
    target = data
    for key in path:
        target = target[key]
    target.update(value)
    with pytest.raises(ModelError, match=message.replace("[", r"\[").replace("]", r"\]")):
        tekton.document_from_data(data)


def test_wrong_kind_or_version_is_rejected():
    with pytest.raises(ModelError, match="kind"):
        tekton.document_from_data({"apiVersion": "tekton.dev/v1", "kind": "Deployment"})
    with pytest.raises(ModelError, match="apiVersion"):
        tekton.document_from_data({"apiVersion": "tekton.dev/v1beta1", "kind": "Task"})


def test_param_value_union():
    assert from_data(tekton.Param, {"name": "a", "value": ["x", "y"]}).value == ["x", "y"]
    assert from_data(tekton.Param, {"name": "a", "value": {"k": "v"}}).value == {"k": "v"}
    assert from_data(tekton.Param, {"name": "a", "value": "s"}).value == "s"


def test_tekflow_dsl_is_a_drop_in_for_kfp_dsl():
    from kfp import dsl as kfp_dsl

    from tekflow import dsl

    for name in ("component", "container_component", "pipeline", "Input", "Output", "Dataset", "Model", "Metrics",
                 "Artifact", "If", "Elif", "Else", "Condition", "ParallelFor", "Collected", "ExitHandler", "OneOf",
                 "importer", "PipelineTaskFinalStatus", "ContainerSpec", "OutputPath", "InputPath",
                 "ConcatPlaceholder", "IfPresentPlaceholder"):
        assert getattr(dsl, name) is getattr(kfp_dsl, name), name
