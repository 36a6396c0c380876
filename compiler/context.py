"""State shared by the lowering passes: the IR going in, the Tekton model coming out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

from google.protobuf import json_format
from kfp.pipeline_spec import pipeline_spec_pb2 as pb

from . import tekton
from .conditions import Comparison
from .ir import PipelineIR
from .names import UniqueNames
from .options import CompileOptions
from .podgroup import PodGroup
from .reusable import DeclaredParameter

IO_WORKSPACE = "tekflow-io"
ARTIFACTS_WORKSPACE = "tekflow-artifacts"


Key = tuple[str, ...]  # a task's path through the DAG tree: ("outer", "inner", "train")


# Where an input's value comes from, after flattening resolved it through DAG boundaries.
@dataclass(frozen=True)
class PipelineParam:
    name: str


@dataclass(frozen=True)
class Constant:
    value: Any


@dataclass(frozen=True)
class Absent:
    """An optional input nobody set: the component's default applies."""


@dataclass(frozen=True)
class TaskOutput:
    producer: Key
    output: str
    # dsl.Collected: the loops (outermost first) whose iterations' values are gathered in a list
    collected: tuple[Key, ...] = ()


@dataclass(frozen=True)
class TaskArtifact:
    producer: Key
    output: str
    collected: tuple[Key, ...] = ()


@dataclass(frozen=True)
class OneOf:
    """dsl.OneOf: the output of whichever branch ran."""

    options: tuple["Source", ...]


@dataclass(frozen=True)
class LoopItem:
    """The current item of a dsl.ParallelFor, or a field of it (`item.a.b` -> path ("a", "b"))."""

    loop: Key
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Loop:
    """A dsl.ParallelFor group: what it iterates over and how many iterations may run at once."""

    key: Key
    items: "Source"  # Constant(list), PipelineParam, TaskOutput or LoopItem of an outer loop
    parallelism: int = 0  # 0: no limit
    # how many of its tasks' guards (outermost first) enclose the loop itself
    guard_depth: int = 0


@dataclass(frozen=True)
class FinalStatus:
    """PipelineTaskFinalStatus of a task or group: the container tasks it stands for."""

    group: Key
    tasks: tuple[Key, ...] = ()


@dataclass(frozen=True)
class Imported:
    """An artifact from dsl.importer: no pod, just a URI (constant or a parameter's value)."""

    uri: "Source"
    schema: tuple[tuple[str, str], ...]  # artifactType schema (schemaTitle, schemaVersion)
    metadata_json: str  # the importer's metadata, JSON (kept hashable)


Source = Union[PipelineParam, Constant, Absent, TaskOutput, TaskArtifact, Imported, FinalStatus, LoopItem, OneOf]


@dataclass(frozen=True)
class Guard:
    """One comparison of a dsl.If/Elif/Else that must hold for a task to run."""

    comparison: "Comparison"
    # the comparison's input names -> (where the value comes from, its KFP parameter type)
    inputs: tuple[tuple[str, "Source", str], ...]
    group: str  # the condition group's name, for messages

    def source(self, name: str) -> tuple["Source", str]:
        for n, source, kfp_type in self.inputs:
            if n == name:
                return source, kfp_type
        raise KeyError(name)


@dataclass
class TaskNode:
    """One KFP container task that becomes one Tekton PipelineTask."""

    key: Key
    spec: pb.PipelineTaskSpec
    component: pb.ComponentSpec
    executor: pb.PipelineDeploymentConfig.ExecutorSpec
    param_sources: dict[str, Source] = field(default_factory=dict)
    artifact_sources: dict[str, Source] = field(default_factory=dict)
    upstream: frozenset[Key] = frozenset()  # container tasks this one runs after
    guards: tuple[Guard, ...] = ()  # enclosing conditions, outermost first
    # runs whatever happened upstream (exit handler, ignore_upstream_failure): a Tekton finally task
    is_finally: bool = False
    loops: tuple[Loop, ...] = ()  # enclosing dsl.ParallelFor groups, outermost first
    when: list[tekton.WhenExpression] = field(default_factory=list)  # guards Tekton evaluates
    launcher_guards: list[Guard] = field(default_factory=list)  # guards the launcher evaluates
    tekton_name: str = ""
    pipeline_task: Optional[tekton.PipelineTask] = None
    # KFP output parameter name -> Tekton result name
    result_names: dict[str, str] = field(default_factory=dict)

    @property
    def kfp_name(self) -> str:
        return "/".join(self.key)

    @property
    def display_name(self) -> str:
        return self.spec.task_info.name or self.key[-1]


@dataclass
class Lowering:
    ir: PipelineIR
    options: CompileOptions
    names: UniqueNames = field(default_factory=UniqueNames)
    nodes: dict[Key, TaskNode] = field(default_factory=dict)
    root_outputs: dict[str, Source] = field(default_factory=dict)  # pipeline outputs' sources
    pipeline: tekton.PipelineSpec = field(default_factory=tekton.PipelineSpec)
    run_params: list[tekton.Param] = field(default_factory=list)
    run_workspaces: list[tekton.WorkspaceBinding] = field(default_factory=list)
    run_task_run_specs: list[tekton.PipelineTaskRunSpec] = field(default_factory=list)
    pipeline_root: str = ""  # the URI (may hold a Tekton variable) every launcher gets
    warnings: list[str] = field(default_factory=list)
    # pipeline output artifact name -> {"task": tekton task, "output": output name}
    artifact_outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    # pipeline output parameter name -> {"task", "output", "type"}: where runners read exact values
    parameter_outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    deployment: pb.PipelineDeploymentConfig = field(default_factory=pb.PipelineDeploymentConfig)
    # loop keys of a nest -> its iteration space entry (launch spec "space") and the matrix value
    spaces: dict[tuple[Key, ...], dict[str, Any]] = field(default_factory=dict)
    batch_values: dict[tuple[Key, ...], Any] = field(default_factory=dict)
    # loop keys of a nest -> its iterations task, for nests whose items are known only at run time
    helpers: dict[tuple[Key, ...], tekton.PipelineTask] = field(default_factory=dict)
    task_documents: list[tekton.Task] = field(default_factory=list)  # --task-documents
    # Tekton task name -> the tasks it runs after (runAfter and result references), by dependencies
    task_graph: dict[str, set[str]] = field(default_factory=dict)
    pod_groups: list[PodGroup] = field(default_factory=list)  # of gangs whose scheduler needs one
    gangs: dict[str, str] = field(default_factory=dict)  # pod group name -> gang name (dsl.schedule(gang=...))
    declared_parameters: list[DeclaredParameter] = field(default_factory=list)  # the pipeline's, for -p

    def __post_init__(self) -> None:
        # IR keeps executors in a Struct; parse once into the typed message.
        if self.ir.spec.HasField("deployment_spec"):
            json_format.ParseDict(
                json_format.MessageToDict(self.ir.spec.deployment_spec), self.deployment, ignore_unknown_fields=True
            )

    @property
    def spec(self) -> pb.PipelineSpec:
        return self.ir.spec

    def component(self, name: str) -> pb.ComponentSpec:
        return self.spec.components[name]

    def executor(self, label: str) -> Optional[pb.PipelineDeploymentConfig.ExecutorSpec]:
        executors = self.deployment.executors
        return executors[label] if label in executors else None

    def node(self, key: Key) -> TaskNode:
        return self.nodes[key]


def struct_to_python(value: Any) -> Any:
    """protobuf Value/Struct -> plain Python, as kfp wrote it."""
    return json_format.MessageToDict(value) if hasattr(value, "DESCRIPTOR") else value
