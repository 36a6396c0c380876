"""Tekton's admission checks over the typed model, so that `tekflow run` refuses what a cluster would.

`admission_errors(doc)` is what Tekton's webhook answers when the document is created
(SetDefaults, then Validate of PipelineRun / Pipeline / Task and everything in them);
`run_start_errors(run)` is what Tekton's controller refuses when a resolved PipelineRun
starts (workspace bindings, result references, each TaskRun's retries and timeout). Messages
are Tekton's, each with the path of the field it is about. `admit` and `check_run_start` raise
AdmissionError (a TekflowError: one line, exit code 2).
"""

from __future__ import annotations

from typing import Union

from tekflow.compiler import tekton
from tekflow.errors import TekflowError

from .defaults import with_defaults
from .field_errors import Errors, FieldError
from .pipeline import validate_pipeline_spec, validate_pipeline_usage
from .pipelinerun import validate_metadata, validate_pipelinerun
from .run_start import run_start_errors
from .task import usage_of_declared_parameters, validate_task_spec

Document = Union[tekton.PipelineRun, tekton.Pipeline, tekton.Task]

__all__ = ["AdmissionError", "Errors", "FieldError", "admission_errors", "admit", "check_run_start",
           "run_start_errors"]


class AdmissionError(TekflowError):
    """Tekton would refuse the document; `errors` are its field errors, merged as Tekton merges them."""

    def __init__(self, summary: str, errors: list[FieldError]) -> None:
        self.summary, self.errors = summary, errors
        super().__init__(f"{summary}: {'; '.join(e.line() for e in errors)}")

    def at(self, where: str) -> "AdmissionError":
        """The same error, said of the file (and document) it was found in."""
        return AdmissionError(f"{where}: {self.summary}", self.errors)


def admission_errors(document: Document) -> Errors:
    """Tekton's SetDefaults + Validate of a PipelineRun, Pipeline or Task, as on create."""
    document = with_defaults(document)
    if isinstance(document, tekton.PipelineRun):
        return validate_pipelinerun(document)
    meta = validate_metadata(document.metadata).via_field("metadata")
    if isinstance(document, tekton.Pipeline):
        return meta.also(validate_pipeline_spec(document.spec).via_field("spec"),
                         validate_pipeline_usage(document.spec).via_field("spec"))
    return meta.also(validate_task_spec(document.spec).via_field("spec"),
                     usage_of_declared_parameters(document.spec.steps, document.spec.params).via_field("spec"))


def _title(document: Document) -> str:
    meta = document.metadata
    return f'{type(document).__name__} "{meta.name or meta.generate_name or ""}"'


def admit(document: Document) -> None:
    """Raise AdmissionError with every error Tekton's admission webhook would answer."""
    errors = admission_errors(document)
    if errors:
        raise AdmissionError(f"Tekton would refuse {_title(document)}", errors.merged())


def check_run_start(run: tekton.PipelineRun) -> None:
    """Raise AdmissionError when Tekton's controller would fail the resolved run before its tasks run."""
    errors = run_start_errors(with_defaults(run))
    if errors:
        raise AdmissionError(f"Tekton would fail {_title(run)} at its start", errors.merged())
