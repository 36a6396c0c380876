"""`--kind pipeline`: a reusable `Pipeline` document, and the PipelineRuns that name it.

A Pipeline holds what every run shares; what Tekton keeps on the PipelineRun (workspace
bindings, per-task pod placement in `taskRunSpecs`, the gangs' PodGroups) is recorded in the
Pipeline's `tekflow.dev/run-template` annotation, with the KFP type of each parameter in
`tekflow.dev/parameters`, so `tekflow submit --pipeline-ref NAME -p …` builds the same run
`tekflow compile` would have. Tekton copies a Pipeline's annotations onto its PipelineRuns, so
`tekflow get` reads the outputs' annotations on runs started by `tkn pipeline start` as well.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from tekflow.errors import TekflowError

from . import tekton
from .names import dns_label
from .parameters import coerce, encode, parse_text, tekton_value, type_words
from .podgroup import PodGroup
from .serde import ModelError, from_data, to_data

RUN_TEMPLATE_ANNOTATION = "tekflow.dev/run-template"
GANGS_ANNOTATION = "tekflow.dev/gangs"  # pod group name -> gang name, on runs and Pipelines with gangs
PARAMETERS_ANNOTATION = "tekflow.dev/parameters"
# What tells the gang schedulers which pods start together: a value per run, or two runs join one gang.
GROUP_KEYS = ("kueue.x-k8s.io/pod-group-name", "scheduling.k8s.io/group-name", "scheduling.x-k8s.io/pod-group")


@dataclass
class RunTemplate:
    """The parts of a PipelineRun that a Pipeline cannot hold."""

    workspaces: list[tekton.WorkspaceBinding] = field(default_factory=list)
    task_run_specs: list[tekton.PipelineTaskRunSpec] = field(default_factory=list)
    pod_groups: list[PodGroup] = field(default_factory=list)


@dataclass
class DeclaredParameter:
    """A pipeline parameter as the user names it (-p), and how it crosses Tekton."""

    name: str  # KFP's
    param: str  # the Tekton param's
    type: str  # KFP parameter type (STRING, NUMBER_INTEGER, …)
    required: bool


def annotations_for(template: RunTemplate, parameters: list[DeclaredParameter]) -> dict[str, str]:
    return {
        RUN_TEMPLATE_ANNOTATION: json.dumps(to_data(template), sort_keys=True, separators=(",", ":")),
        PARAMETERS_ANNOTATION: json.dumps([to_data(p) for p in parameters], sort_keys=True, separators=(",", ":")),
    }


def read_pipeline(data: Mapping[str, Any]) -> tuple[RunTemplate, Optional[list[DeclaredParameter]]]:
    """The run template and parameters a Pipeline (as the API returns it) records; a Pipeline
    tekflow did not compile has neither (an empty template, parameters None)."""
    name = (data.get("metadata") or {}).get("name")
    annotations = (data.get("metadata") or {}).get("annotations") or {}
    try:
        template = from_data(RunTemplate, json.loads(annotations.get(RUN_TEMPLATE_ANNOTATION) or "{}"),
                             RUN_TEMPLATE_ANNOTATION)
        parameters = None
        if PARAMETERS_ANNOTATION in annotations:
            parameters = [from_data(DeclaredParameter, p, PARAMETERS_ANNOTATION)
                          for p in json.loads(annotations[PARAMETERS_ANNOTATION])]
    except (ValueError, ModelError, TypeError) as e:
        raise TekflowError(f"Pipeline {name}: its tekflow annotations are not readable ({e}); compile and apply it "
                           "again (tekflow compile --kind pipeline)") from None
    return template, parameters


def run_params(pipeline_name: str, declared_params: list[dict[str, Any]],
               parameters: Optional[list[DeclaredParameter]], values: Mapping[str, str]) -> list[tekton.Param]:
    """-p values for a run of the Pipeline: typed by the recorded KFP types; every required
    parameter given (Tekton would fail the run at once with ParameterMissing)."""
    if parameters is None:  # not tekflow's: Tekton's own params, strings or JSON arrays/objects
        parameters = [DeclaredParameter(p["name"], p["name"], "STRING", "default" not in p) for p in declared_params]
        typed = False
    else:
        typed = True
    by_name = {p.name: p for p in parameters}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise TekflowError(f"Pipeline {pipeline_name}: unknown parameter {unknown[0]!r}; its parameters are: "
                           f"{', '.join(sorted(by_name)) or 'none'}")
    missing = [p for p in parameters if p.required and p.name not in values]
    if missing:
        raise missing_values_error([(p.name, p.type if typed else "STRING") for p in missing])
    params = []
    for name in sorted(values):
        declared = by_name[name]
        if typed:
            value: Any = encode(coerce(name, parse_text(name, values[name], declared.type), declared.type),
                                declared.type)
        else:
            value = tekton_value(values[name])
        params.append(tekton.Param(name=declared.param, value=value))
    return params


def missing_values_error(missing: list[tuple[str, str]]) -> TekflowError:
    """Required parameters (name, KFP type) without a value, named with how to give them."""
    listed = ", ".join(f"{name!r} ({type_words(kfp_type)})" for name, kfp_type in missing)
    example = " ".join(f"-p {name}=VALUE" for name, _ in missing)
    plural = len(missing) > 1
    return TekflowError(f"the pipeline's required parameter{'s' if plural else ''} {listed} "
                        f"{'have' if plural else 'has'} no value: give {example} "
                        "(Python API: pipeline_parameters={...})")


# The API server's alphabet for generateName suffixes (k8s.io/apiserver/pkg/storage/names).
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def generated_name(prefix: str) -> str:
    """What the API server would make of generateName `prefix`: a name chosen here lets the run's
    gangs be named after it before it is created."""
    return prefix[:63 - 5] + "".join(random.choice(_NAME_ALPHABET) for _ in range(5))


def rename_groups(specs: list[tekton.PipelineTaskRunSpec], pod_groups: list[PodGroup], gangs: Mapping[str, str],
                  run_name: str) -> dict[str, str]:
    """Name each gang's pod group after the run (`gangs`: pod group -> gang name, as the
    GANGS_ANNOTATION records it): concurrent runs must not join each other's gangs. Returns the
    new record."""
    renamed = {group: group_name(run_name, gang) for group, gang in gangs.items()}
    for spec in specs:
        for values in (spec.metadata.labels, spec.metadata.annotations) if spec.metadata else ():
            for key in GROUP_KEYS:
                if values.get(key) in renamed:
                    values[key] = renamed[values[key]]
    for group in pod_groups:
        group.metadata.name = renamed.get(group.metadata.name or "", group.metadata.name)
    return {renamed[group]: gang for group, gang in gangs.items()}


def group_name(base: str, gang: str) -> str:
    """A gang's pod group: `<run or pipeline>-<gang>`, a DNS label (also a valid label value)."""
    return dns_label(f"{base}-{gang}")


def start_hint(pipeline: tekton.Pipeline) -> str:
    """How to start runs of the Pipeline: tekflow's way, and tkn's with the workspaces to bind."""
    template, parameters = read_pipeline(to_data(pipeline))
    name = pipeline.metadata.name
    values = " ".join(f"-p {p.name}=VALUE" for p in parameters or [] if p.required) or "[-p NAME=VALUE …]"
    bindings = []
    for workspace in template.workspaces:
        if workspace.empty_dir is not None:
            bindings.append(f"-w name={workspace.name},emptyDir=")
        elif workspace.volume_claim_template is not None:
            bindings.append(f"-w name={workspace.name},volumeClaimTemplateFile=PVC.yaml")
    hint = (f"start runs with: tekflow submit --pipeline-ref {name} {values}  "
            f"(or: tkn pipeline start {name} {' '.join(bindings)}".rstrip() + ")")
    if template.task_run_specs or template.pod_groups:
        hint += "; only tekflow submit gives the tasks their pod placement (taskRunSpecs) and gangs"
    return hint
