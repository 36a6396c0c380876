"""Iteration spaces of dsl.ParallelFor nests, and how their iterations are split into batches.

A task inside loops runs as a Tekton matrix over *batch* numbers, not over items: batch `b` of
`B` runs iterations `k` with `k % B == b`, one after another. `B` is at most the product of the
loops' `parallelism` limits (a limit of 0 counts as the loop's width) and at most Tekton's
default matrix cap, so `parallelism=` is honoured and a loop may have more iterations than
Tekton's matrix allows. The compiler enumerates constant loops; the launcher's `iterations`
command enumerates the others at run time. Both use this module.
"""

from __future__ import annotations

import json
from typing import Any, Callable

MAX_BATCHES = 256  # Tekton's default max-matrix-combinations-count
# the iterations task's string result: "true" when the nest has iterations (else its tasks are skipped)
HAS_ITERATIONS = "has-iterations"

# resolve(level, coord, items) -> the items of loop `level` for the iteration prefix `coord`
# whose outer loops' current items are `items`.
ItemsResolver = Callable[[int, list[int], list[Any]], Any]


class IterationError(ValueError):
    pass


def enumerate_iterations(levels: int, resolve: ItemsResolver) -> list[dict[str, Any]]:
    """Every iteration of a loop nest, in order: [{"coord": [i, j], "items": [item_i, item_j]}]."""
    out: list[dict[str, Any]] = []

    def walk(level: int, coord: list[int], items: list[Any]) -> None:
        if level == levels:
            out.append({"coord": coord, "items": items})
            return
        values = as_list(resolve(level, coord, items))
        for i, value in enumerate(values):
            walk(level + 1, coord + [i], items + [value])

    walk(0, [], [])
    return out


def as_list(value: Any) -> list[Any]:
    """Loop items: a list, or a string holding a JSON list (kfp passes some lists as text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise IterationError(f"cannot loop over {value!r}: not a JSON list") from None
    if not isinstance(value, list):
        raise IterationError(f"cannot loop over {value!r}: not a list")
    return value


def select(item: Any, path: list[str]) -> Any:
    """`item.a.b` of a loop item (dict items, or strings holding a JSON object)."""
    for part in path:
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except json.JSONDecodeError:
                pass
        if not isinstance(item, dict) or part not in item:
            raise IterationError(f"loop item {item!r} has no field {part!r}")
        item = item[part]
    return item


def batch_count(iterations: list[dict[str, Any]], parallelism: list[int], max_batches: int = MAX_BATCHES) -> int:
    if not iterations:
        return 0
    if any(parallelism):
        cap = 1
        for level, limit in enumerate(parallelism):
            width = max(it["coord"][level] for it in iterations) + 1
            cap *= limit if limit else width
    else:
        cap = len(iterations)
    return max(1, min(len(iterations), cap, max_batches))


def batch_members(iterations: list[dict[str, Any]], batches: int, batch: int) -> list[dict[str, Any]]:
    if not 0 <= batch < batches:
        raise IterationError(f"batch {batch} is not one of 0..{batches - 1}")
    return iterations[batch::batches]


def coord_text(coord: list[int]) -> str:
    """An iteration's directory name in the artifact store: 0, 1.2, …"""
    return ".".join(str(i) for i in coord)
