"""Resolve launch-spec entries (docs/architecture.md "Launch spec") to values at run time.

The same entries appear in task inputs, in launcher-evaluated conditions, in a loop's
`iterations` spec and in the `pipeline-outputs` spec. A Resolver knows where it stands: the
run's `--param` values, and for a task inside loops its iteration (coordinate and items).
It reads producers' manifests through a callable, so it needs no store of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .iterations import coord_text, select

SPILLED = "tekflow:spilled"


class Absent:
    """No value: the component's default applies (or the optional input stays unset)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = Absent()


class EntryError(ValueError):
    """An entry that cannot be resolved: a user-visible launcher error."""


# read_manifest(task, coord) -> the task's manifest for that iteration ("" outside loops), or None
ManifestReader = Callable[[str, str], Optional[dict]]
# decode(text, kfp_type) -> the typed value of a parameter that crossed Tekton as text
Decoder = Callable[[str, str], Any]


@dataclass
class Resolver:
    read_manifest: ManifestReader
    decode: Decoder
    params: dict[str, str] = field(default_factory=dict)
    coord: list[int] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    run: str = ""  # the PipelineRun's name

    # -- parameters -------------------------------------------------------------------------
    def parameter(self, entry: dict[str, Any], kfp_type: str) -> Any:
        """The typed value of a parameter entry, or ABSENT."""
        if "constant" in entry:
            return entry["constant"]
        if "loop_item" in entry:
            level = entry["loop_item"]
            if level >= len(self.items):
                raise EntryError(f"loop item of level {level} asked for outside that loop")
            return select(self.items[level], list(entry.get("path", [])))
        if "one_of" in entry:
            return self._one_of(entry["one_of"], lambda e: self.parameter(e, kfp_type))
        if "collect" in entry:
            return self._collect(entry["collect"], lambda m, output: m.get("parameters", {}).get(output, ABSENT))
        if "final_status" in entry:
            return self._final_status(entry["final_status"])
        if "producer" in entry:
            value = self._from_manifest(entry, lambda m: m.get("parameters", {}).get(entry["output"], ABSENT))
            if value is not ABSENT or "param" not in entry or self.skipped(entry):
                # a producer its own launcher skipped has no value (its empty result is none)
                if value is ABSENT and not entry.get("optional") and "param" not in entry:
                    raise EntryError(f"task {entry['producer']!r} did not produce {entry['output']!r}")
                return value
            # no manifest: fall back to the Tekton value, unless it was spilled
            text = self._param_text(entry)
            if text == SPILLED:
                raise EntryError(f"the value of {entry['output']!r} of task {entry['producer']!r} was spilled to "
                                 "its outputs manifest, which cannot be read")
            return self.decode(text, kfp_type)
        if "param" in entry:
            text = self._param_text(entry)
            if text == "" and kfp_type != "STRING":
                return ABSENT  # an optional pipeline param with no value
            return self.decode(text, kfp_type)
        raise EntryError(f"unknown parameter entry {entry!r}")

    # -- artifacts --------------------------------------------------------------------------
    def artifact(self, entry: dict[str, Any]) -> Any:
        """An artifact record {name, uri, metadata, type}, a list of them (collect), or ABSENT."""
        if "one_of" in entry:
            return self._one_of(entry["one_of"], self.artifact)
        if "collect" in entry:
            return self._collect(entry["collect"], self._artifact_of)
        if "uri" in entry or "uri_from" in entry:
            uri = entry["uri"] if "uri" in entry else self.parameter(entry["uri_from"], "STRING")
            if uri is ABSENT or not uri:
                raise EntryError("the importer has no artifact URI")
            return {"name": "", "uri": uri, "metadata": entry.get("metadata", {}),
                    "type": entry.get("type", {"schemaTitle": "system.Artifact"})}
        if "producer" in entry:
            record = self._from_manifest(entry, lambda m: self._artifact_of(m, entry["output"]))
            if record is ABSENT and not entry.get("optional"):
                raise EntryError(f"task {entry['producer']!r} did not produce artifact {entry['output']!r}")
            return record
        raise EntryError(f"unknown artifact entry {entry!r}")

    @staticmethod
    def _artifact_of(manifest: dict, output: str) -> Any:
        records = manifest.get("artifacts", {}).get(output)
        return records[0] if records else ABSENT

    # -- helpers ----------------------------------------------------------------------------
    def _param_text(self, entry: dict[str, Any]) -> str:
        name = entry["param"]
        if name not in self.params:
            raise EntryError(f"no --param {name}=… was given")
        return self.params[name]

    def skipped(self, entry: dict[str, Any]) -> bool:
        """The entry's producer ran but its launcher found its condition false."""
        if "producer" not in entry or entry.get("depth", 0) > len(self.coord):
            return False
        manifest = self.read_manifest(entry["producer"], coord_text(self.coord[:entry.get("depth", 0)]))
        return bool(manifest and manifest.get("skipped"))

    def _from_manifest(self, entry: dict[str, Any], pick: Callable[[dict], Any]) -> Any:
        depth = entry.get("depth", 0)
        if depth > len(self.coord):
            raise EntryError(f"task {entry['producer']!r} is inside {depth} loops, this task only inside {len(self.coord)}")
        manifest = self.read_manifest(entry["producer"], coord_text(self.coord[:depth]))
        if manifest is None or manifest.get("skipped"):
            return ABSENT
        return pick(manifest)

    def _one_of(self, options: list[dict[str, Any]], resolve: Callable[[dict], Any]) -> Any:
        for option in options:
            value = resolve(option)
            if value is not ABSENT:
                return value
        raise EntryError("no branch of the dsl.OneOf ran: "
                         + ", ".join(f"{o.get('producer')}.{o.get('output')}" for o in options))

    def _collect(self, spec: dict[str, Any], pick: Callable[[dict, str], Any]) -> list:
        """dsl.Collected: the producer's value in every iteration under this task's iteration."""
        depth, levels = spec["depth"], spec["levels"]
        prefix = self.coord[: depth - levels]
        iterations = self.space_iterations(spec["space"])
        root: list = []
        nodes: dict[tuple, list] = {(): root}
        for iteration in iterations:
            coord = iteration["coord"][:depth]
            if coord[: len(prefix)] != prefix:
                continue
            # make the nested lists for the collected levels, in iteration order
            for n in range(len(prefix) + 1, len(coord)):
                key = tuple(coord[len(prefix):n])
                if key not in nodes:
                    nodes[key] = []
                    nodes[key[:-1]].append(nodes[key])
            if len(coord) < depth:
                continue
            manifest = self.read_manifest(spec["producer"], coord_text(coord))
            if manifest is None or manifest.get("skipped"):
                continue
            value = pick(manifest, spec["output"])
            if value is not ABSENT:
                nodes[tuple(coord[len(prefix):-1])].append(value)
        return root

    def space_iterations(self, space: dict[str, Any]) -> list[dict[str, Any]]:
        if "iterations" in space:
            return space["iterations"]
        manifest = self.read_manifest(space["helper"], "")
        if manifest is None or "iterations" not in manifest:
            raise EntryError(f"the loop's iterations task {space['helper']!r} left no iterations")
        return manifest["iterations"]

    def space_batches(self, space: dict[str, Any]) -> int:
        if "batches" in space:
            return space["batches"]
        manifest = self.read_manifest(space["helper"], "")
        return int((manifest or {}).get("batches", 0))

    def _final_status(self, spec: dict[str, Any]) -> dict[str, Any]:
        """kfp's PipelineTaskFinalStatus from the Tekton statuses of the group's tasks."""
        failed = []
        for task, param in sorted(spec["tasks"].items()):
            status = self.params.get(param, "")
            if status == "Failed":
                failed.append(task)
        error: dict[str, Any] = {}
        if failed:
            manifest = self.read_manifest(failed[0], "") or {}
            error = {"code": 1, "message": manifest.get("error") or f"task {failed[0]!r} failed"}
        return {"state": "FAILED" if failed else "SUCCEEDED", "pipelineJobResourceName": self.run,
                "pipelineTaskName": spec.get("group", ""), "error": error}
