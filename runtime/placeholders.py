"""KFP placeholders (`{{$}}`, `{{$.inputs.parameters['x']}}`, …), resolved in one pass.

Only text the pipeline's author wrote holds placeholders: the component's command and args,
and compile-time constants (f-strings, `dsl.PIPELINE_JOB_NAME_PLACEHOLDER` passed as an input).
Each placeholder of such a text is replaced by its value and the replaced text is never scanned
again, so an input value that reads `{{$}}` or `{{$.pipeline_job_name}}` is data and reaches
the program byte for byte. (kfp.local's resolver replaces one placeholder after another in the
same text and resolves placeholders inside input values, which rewrites such values.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

PLACEHOLDER = re.compile(r"\{\{\$(.*?)\}\}")
# f-string parts of a constant: kfp writes f"{x}-y" as "{{$.inputs.parameters['pipelinechannel--x']}}-y"
INPUT_PARAMETER = re.compile(r"^\.inputs\.parameters\['([^']+)'\]$")


class PlaceholderError(ValueError):
    """A placeholder this launcher cannot resolve: a one-line launcher error (runtime/__main__.py)."""


@dataclass
class RunValues:
    """What the run placeholders stand for, for one task (iteration)."""

    job_name: str  # the PipelineRun's name
    job_uid: str
    task_name: str
    task_uid: str
    root: str  # the pipeline root URI
    created: Callable[[], str]  # the run's creation time (read from the store only when asked)

    def get(self, key: str) -> Optional[str]:
        """The value of run placeholder `{{$KEY}}`, or None when KEY names no run placeholder."""
        if key in (".pipeline_job_name", ".pipeline_job_resource_name"):
            return self.job_name
        if key == ".pipeline_job_uuid":
            return self.job_uid
        if key == ".pipeline_task_name":
            return self.task_name
        if key == ".pipeline_task_uuid":
            return self.task_uid
        if key == ".pipeline_root":
            return self.root
        if key in (".pipeline_job_create_time_utc", ".pipeline_job_schedule_time_utc"):
            return self.created()
        if key == ".workspace_path":
            raise PlaceholderError("dsl workspaces ({{$.workspace_path}}) are not supported yet")
        return None


def substitute(text: str, value_of: Callable[[str], Optional[str]]) -> str:
    """`text` with each `{{$KEY}}` replaced by value_of(KEY) (left as written when None), in one pass."""
    def replace(match: re.Match) -> str:
        value = value_of(match.group(1))
        return match.group(0) if value is None else value

    return PLACEHOLDER.sub(replace, text)


def resolve_constant(text: str, parameter_values: dict[str, Any], run: RunValues) -> str:
    """A compile-time constant: its f-string parts and run placeholders; other text stays."""
    def value_of(key: str) -> Optional[str]:
        m = INPUT_PARAMETER.match(key)
        if m:
            return as_text(parameter_values.get(m.group(1), ""))
        return run.get(key)

    return substitute(text, value_of)


def resolve_command(command: list[str], executor_input: dict[str, Any], provided: list[str],
                    run: RunValues) -> list[str]:
    """The component's command and args with every placeholder resolved.

    `provided`: the inputs the task was given, which `IfPresent` asks about; every other
    placeholder reads `executor_input` (declared defaults included, as KFP's launcher does)."""
    from kfp.local import placeholder_utils

    parts = placeholder_utils.flatten_list(
        [placeholder_utils.resolve_struct_placeholders(part, provided) for part in command])
    whole: list[str] = []  # `{{$}}` is built once, if asked

    def value_of(key: str) -> Optional[str]:
        if key == "":
            if not whole:
                whole.append(executor_input_json(executor_input))
            return whole[0]
        if key in (".outputs.output_file", ".outputMetadataUri"):
            return executor_input["outputs"]["outputFile"]
        value = run.get(key)
        if value is not None:
            return value
        if key.startswith((".inputs.", ".outputs.")):
            return as_text(_lookup(executor_input, key))
        return None

    return [substitute(part, value_of) for part in parts]


def executor_input_json(executor_input: dict[str, Any]) -> str:
    """`{{$}}`: compact, non-ASCII as is (a \\u escape would take up to 12 bytes of the argument's
    limited size); lone surrogates, which UTF-8 cannot carry, only as escapes."""
    text = json.dumps(executor_input, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(executor_input, separators=(",", ":"))
    return text


def as_text(value: Any) -> str:
    """A value in a command line: a string as is, anything else as JSON (an absent one is null)."""
    return value if isinstance(value, str) else json.dumps(value)


def _lookup(executor_input: dict[str, Any], key: str) -> Any:
    """`.inputs.parameters['x']`, `.outputs.artifacts['m'].path`, … in the ExecutorInput (None: absent)."""
    from kfp.local import placeholder_utils

    if "json_escape" in key:
        raise PlaceholderError(f"{{{{${key}}}}}: JSON escape placeholders are not supported")
    parts = [p for p in re.split(r"\.|\[|\]|''|'", key) if p]
    try:
        path = placeholder_utils.convert_placeholder_parts_to_path(parts)
        return placeholder_utils.get_value_using_path(executor_input, path)
    except (IndexError, KeyError, TypeError):
        raise PlaceholderError(f"{{{{${key}}}}} is not a placeholder this launcher knows") from None
