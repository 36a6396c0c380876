"""The prepare step: resolve inputs, lay out outputs, build KFP's ExecutorInput, write the argv.

For a task inside loops it prepares every iteration of its batch (IO_DIR/batch/K).
A false launcher-evaluated condition marks the iteration skipped: no argv, `skip-main`.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from typing import Any

from tekflow.compiler import conditions

from . import placeholders, values
from .entries import ABSENT, EntryError
from .iterations import batch_members, coord_text
from .launch import Launch, write_state


class PrepareError(RuntimeError):
    pass


def prepare(launch: Launch, io_dir: str, batch: int | None = None, retry_count: int = 0) -> None:
    spec = launch.spec
    if "iteration" not in spec:
        _prepare_one(launch, io_dir, [], [])
        return
    if batch is None:
        raise PrepareError("the task runs inside a loop but no --batch was given")
    resolver = launch.resolver()
    space = spec["iteration"]["space"]
    members = batch_members(resolver.space_iterations(space), resolver.space_batches(space), batch)
    os.makedirs(os.path.join(io_dir, "batch"), exist_ok=True)
    for k, iteration in enumerate(members):
        io = os.path.join(io_dir, "batch", str(k))
        if retry_count and _succeeded_before(launch, io, iteration["coord"]):
            continue
        _prepare_one(launch, io, iteration["coord"], iteration["items"])
    with open(os.path.join(io_dir, "batch", "count"), "w") as f:
        f.write(str(len(members)))


def _succeeded_before(launch: Launch, io: str, coord: list[int]) -> bool:
    """On a retry of a batch, an iteration an earlier attempt published without error is kept,
    not run again (KFP retries the iteration that failed, not its neighbours)."""
    manifest = launch.read_manifest(launch.task, coord_text(coord))
    if not manifest or manifest.get("error") or manifest.get("skipped"):
        return False
    os.makedirs(io, exist_ok=True)
    write_state(io, {"coord": coord, "kept": True, "started": time.time()})
    open(os.path.join(io, "skip-main"), "w").close()
    return True


def _prepare_one(launch: Launch, io: str, coord: list[int], items: list[Any]) -> None:
    spec = launch.spec
    os.makedirs(io, exist_ok=True)
    resolver = launch.resolver(coord, items)
    state: dict[str, Any] = {"coord": coord, "items": items, "started": time.time()}
    failed_guard = _failed_guard(spec, resolver)
    if failed_guard is not None:
        state["skipped"] = failed_guard
        write_state(io, state)
        open(os.path.join(io, "skip-main"), "w").close()
        return

    component = spec["component"]
    input_defs = component.get("inputDefinitions", {})
    run = _run_values(launch, coord)
    parameter_values: dict[str, Any] = {}
    constants: dict[str, tuple[str, str]] = {}
    for name, entry in spec["inputs"]["parameters"].items():
        kfp_type = input_defs.get("parameters", {}).get(name, {}).get("parameterType", "STRING")
        try:
            value = resolver.parameter(entry, kfp_type)
        except EntryError as e:
            raise PrepareError(f"input {name!r}: {e}") from None
        if "constant" in entry and isinstance(value, str):
            constants[name] = (value, kfp_type)  # the author's text: may hold placeholders
        elif value is not ABSENT:
            parameter_values[name] = _typed(name, value, kfp_type)
    # after the values they refer to; values themselves are data, never scanned for placeholders
    for name, (text, kfp_type) in constants.items():
        parameter_values[name] = _typed(name, placeholders.resolve_constant(text, parameter_values, run), kfp_type)

    input_artifacts = {}
    for name, entry in spec["inputs"]["artifacts"].items():
        try:
            found = resolver.artifact(entry)
        except EntryError as e:
            raise PrepareError(f"input artifact {name!r}: {e}") from None
        if found is ABSENT:
            continue
        records = _flatten(found) if isinstance(found, list) else [found]
        input_artifacts[name] = {"artifacts": [_local_input(launch, io, name, i, r) for i, r in enumerate(records)]}

    outputs: dict[str, Any] = {"parameters": {}, "artifacts": {}, "outputFile": os.path.join(io, "executor_output.json")}
    state_outputs = {}
    for name, definition in component.get("outputDefinitions", {}).get("parameters", {}).items():
        path = os.path.join(io, "outputs", "parameters", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        outputs["parameters"][name] = {"outputFile": path}
    for name, definition in component.get("outputDefinitions", {}).get("artifacts", {}).items():
        store_uri = launch.output_uri(name, coord)
        local = launch.store.local_path(store_uri) if launch.store.is_local else os.path.join(io, "artifacts", "outputs", name)
        os.makedirs(os.path.dirname(local), exist_ok=True)
        artifact_type = definition.get("artifactType", {"schemaTitle": "system.Artifact"})
        outputs["artifacts"][name] = {"artifacts": [{"name": name, "type": artifact_type, "uri": local, "metadata": {}}]}
        state_outputs[name] = {"uri": store_uri, "local": local, "type": artifact_type}

    executor_input = {"inputs": {"parameterValues": parameter_values, "artifacts": input_artifacts}, "outputs": outputs}
    if spec.get("caching") and cached_outputs(launch, executor_input) is not None:
        raise PrepareError("reusing cached outputs is not supported yet")
    argv = _command(launch, executor_input, run)
    _check_argument_sizes(argv, parameter_values)
    argv_dir = os.path.join(io, "argv")
    os.makedirs(argv_dir, exist_ok=True)
    for i, arg in enumerate(argv):
        with open(os.path.join(argv_dir, str(i)), "w", encoding="utf-8", newline="") as f:
            f.write(arg)
    with open(os.path.join(argv_dir, "count"), "w") as f:
        f.write(str(len(argv)))
    state.update(artifacts=state_outputs, inputs={"parameters": parameter_values, "artifacts": input_artifacts})
    write_state(io, state)


def cached_outputs(launch: Launch, executor_input: dict[str, Any]) -> dict[str, Any] | None:
    """The caching hook: the manifest of an earlier execution with the same component and inputs.

    There is no cache store yet, so there is never a hit and main always runs; a hit would write
    `skip-main` and hand the cached manifest to publish.
    """
    return None


def _flatten(records: list) -> list:
    """Collected artifacts of nested loops: KFP's ExecutorInput holds one flat list per input."""
    return [r for item in records for r in (_flatten(item) if isinstance(item, list) else [item])]


def _typed(name: str, value: Any, kfp_type: str) -> Any:
    """Values by the input's declared type: loop items and kfp's defaults may be 3.0 for an int."""
    if kfp_type == "TASK_FINAL_STATUS":
        return value
    try:
        return values.coerce(value, kfp_type)
    except (values.ValueError_, ValueError) as e:
        raise PrepareError(f"input {name!r}: {e}") from None


def _failed_guard(spec: dict[str, Any], resolver) -> str | None:
    """The group of the first launcher-evaluated condition that does not hold, else None."""
    for guard in spec.get("guards", []):
        values = {}
        for name, entry in guard["inputs"].items():
            try:
                value = resolver.parameter(entry, entry.get("type", "STRING"))
            except EntryError as e:
                raise PrepareError(f"condition {guard['group']!r}: {e}") from None
            values[name] = None if value is ABSENT else value
        try:
            holds = conditions.evaluate([conditions.from_data(guard["comparison"])], values)
        except (TypeError, ValueError) as e:
            raise PrepareError(f"condition {guard['group']!r}: {e}") from None
        if not holds:
            return guard["group"]
    return None


def _local_input(launch: Launch, io: str, name: str, index: int, record: dict[str, Any]) -> dict[str, Any]:
    """An input artifact as the component sees it: its uri is a local path."""
    uri = record["uri"]
    store = launch.store if uri.startswith(launch.root.rstrip("/")) else None
    from .stores import store_for

    store = store or store_for(uri)
    if store.is_local:
        local = store.local_path(uri)
    else:
        local = os.path.join(io, "artifacts", "inputs", name, str(index), os.path.basename(uri.rstrip("/")) or "data")
        store.download(uri, local)
    return {"name": record.get("name") or name, "type": record.get("type") or {"schemaTitle": "system.Artifact"},
            "uri": local, "metadata": record.get("metadata") or {}}


def _command(launch: Launch, executor_input: dict[str, Any], run: placeholders.RunValues) -> list[str]:
    from kfp.local import placeholder_utils

    container = launch.spec["container"]
    command = list(container.get("command", [])) + list(container.get("args", []))
    if os.environ.get("TEKFLOW_LOCAL") == "1":
        command = strip_pip_preamble(command)
    # IfPresent asks whether the task was given the input, so it sees only the given ones; every
    # other placeholder and `{{$}}` see the declared defaults too, as KFP's own launcher does.
    given = placeholder_utils.get_provided_inputs(executor_input)
    return placeholders.resolve_command(command, _with_defaults(executor_input, launch.spec["component"]), given, run)


def _check_argument_sizes(argv: list[str], parameter_values: dict[str, Any]) -> None:
    """What exec would refuse ("Argument list too long"), said with the inputs that make it large:
    several large values in one `{{$}}`, or a task output too large for a command line."""
    for index, arg in enumerate(argv):
        size = len(arg.encode("utf-8", "surrogatepass"))
        if size > values.MAX_ARGUMENT_BYTES:
            sizes = sorted(((len(json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")), n)
                            for n, v in parameter_values.items()), reverse=True)
            largest = ", ".join(f"{n!r} ({s} bytes)" for s, n in sizes[:3])
            raise PrepareError(f"argument {index} of the component's command would be {size} bytes, more than the "
                               f"{values.MAX_ARGUMENT_BYTES} Linux passes in one argument; its largest inputs: "
                               f"{largest or 'none'}: pass large data as artifacts")


def _run_values(launch: Launch, coord: list[int]) -> placeholders.RunValues:
    """The run placeholders of one task (iteration); the creation time is read from the store only
    when a text asks for it (a run nobody scheduled is scheduled when it is created)."""
    import functools
    import uuid

    return placeholders.RunValues(
        job_name=launch.run, job_uid=launch.params.get("__run_uid__") or launch.run,
        task_name=launch.task + (f"-{'.'.join(map(str, coord))}" if coord else ""), task_uid=str(uuid.uuid4()),
        root=launch.root, created=functools.cache(launch.created_utc))


def _with_defaults(executor_input: dict[str, Any], component: dict[str, Any]) -> dict[str, Any]:
    """The ExecutorInput with each input that was not given set to its declared default."""
    given = executor_input["inputs"]["parameterValues"]
    defaults = {}
    for name, definition in component.get("inputDefinitions", {}).get("parameters", {}).items():
        if name not in given and "defaultValue" in definition:
            defaults[name] = _typed(name, definition["defaultValue"], definition.get("parameterType", "STRING"))
    if not defaults:
        return executor_input
    return {**executor_input, "inputs": {**executor_input["inputs"], "parameterValues": {**defaults, **given}}}


def strip_pip_preamble(command: list[str]) -> list[str]:
    """Drop kfp's `sh -c "pip install kfp==…" && "$0" "$@"` wrapper: locally, kfp is already here,
    and the component's own `packages_to_install` must be too (a local run never installs any)."""
    if len(command) > 3 and command[0] == "sh" and command[1] == "-c" and "pip install" in command[2] \
            and command[2].rstrip().endswith('"$0" "$@"'):
        _check_installed(_packages_to_install(command[2]))
        return command[3:]
    return command


_KFP_OWN = {"kfp", "typing-extensions"}


def _packages_to_install(preamble: str) -> list[Any]:
    """The requirements (`packaging` Requirements) of the preamble's `pip install` commands,
    kfp's own left out, and URLs or paths too (pip's business, not checked here)."""
    import shlex

    from packaging.requirements import InvalidRequirement, Requirement

    found = []
    for command in re.split(r"&&|\n", preamble):  # not on ";": requirement markers hold it
        words = shlex.split(command)
        if "pip" in words and "install" in words[words.index("pip"):]:
            for word in words[words.index("install", words.index("pip")) + 1:]:
                try:
                    found.append(Requirement(word))
                except InvalidRequirement:
                    continue  # an option's value, a URL or a path
    return [r for r in found if r.name.lower().replace("_", "-") not in _KFP_OWN]


def _check_installed(requirements: list[Any]) -> None:
    from importlib import metadata

    missing = []
    for requirement in requirements:
        text = str(requirement)
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(text)
            continue
        if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
            print(f"warning: packages_to_install asks for {text!r}; {version} is installed here", file=sys.stderr)
    if missing:
        raise PrepareError(f"packages_to_install {', '.join(map(repr, missing))} not installed here; a local run "
                           "never installs packages into your environment: pip install them first")
