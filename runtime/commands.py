"""The launcher commands of helper tasks: `iterations` (loops) and `outputs` (pipeline outputs)."""

from __future__ import annotations

import json
from typing import Any

from . import values
from .entries import ABSENT, EntryError
from .iterations import HAS_ITERATIONS, MAX_BATCHES, batch_count, enumerate_iterations
from .launch import Launch


def iterations(launch: Launch, results: dict[str, str]) -> int:
    """Enumerate a loop nest's iterations into the manifest; the batch numbers as a result."""
    levels = launch.spec["loops"]

    def items_of(level: int, coord: list[int], items: list[Any]) -> Any:
        resolver = launch.resolver(coord, items)
        value = resolver.parameter(levels[level]["items"], "LIST")
        if value is ABSENT:
            if resolver.skipped(levels[level]["items"]):
                return []  # the items' producer is in a condition that was false: so is this loop
            raise EntryError(f"loop level {level} has nothing to iterate over")
        return value

    found = enumerate_iterations(len(levels), items_of)
    batches = batch_count(found, [level.get("parallelism", 0) for level in levels],
                          launch.spec.get("max_batches", MAX_BATCHES))
    launch.write_manifest({"iterations": found, "batches": batches, "parameters": {}, "artifacts": {}})
    if "batches" in results:
        with open(results["batches"], "w") as f:
            json.dump([str(b) for b in range(batches)], f)
    if HAS_ITERATIONS in results:
        with open(results[HAS_ITERATIONS], "w") as f:
            f.write("true" if found else "false")
    return 0


def outputs(launch: Launch, results: dict[str, str]) -> int:
    """Gather pipeline outputs no single task result holds (Collected, OneOf, loops)."""
    resolver = launch.resolver()
    parameters: dict[str, Any] = {}
    encoded: dict[str, str] = {}
    for name, entry in launch.spec.get("parameters", {}).items():
        value = resolver.parameter(entry, entry["type"])
        if value is ABSENT:
            raise EntryError(f"pipeline output {name!r} has no value")
        parameters[name] = value
        encoded[name] = values.encode(value, entry["type"])
    artifacts = {}
    for name, entry in launch.spec.get("artifacts", {}).items():
        found = resolver.artifact(entry)
        if found is not ABSENT:
            artifacts[name] = found if isinstance(found, list) else [found]
    launch.write_manifest({"parameters": parameters, "artifacts": artifacts})
    for name, text in values.spill({n: encoded[n] for n in results if n in encoded}).items():
        with open(results[name], "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return 0
