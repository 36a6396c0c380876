"""What prepare and publish share: the task's launch spec, its store, and one Resolver per iteration."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional

from . import stores, values
from .entries import Resolver
from .iterations import coord_text
from .spec import decode_spec

STATE_FILE = "launch.json"  # prepare -> publish, in each iteration's io dir


@dataclass
class Launch:
    spec: dict[str, Any]
    root: str
    run: str
    params: dict[str, str] = field(default_factory=dict)
    store: stores.Store = field(init=False)

    def __post_init__(self) -> None:
        self.store = stores.store_for(self.root)

    @classmethod
    def from_args(cls, spec_text: str, root: str, run: str, params: Optional[list[str]] = None) -> "Launch":
        return cls(decode_spec(spec_text), root, run, parse_params(params or []))

    @property
    def task(self) -> str:
        return self.spec["task"]

    def read_manifest(self, task: str, coord: str) -> Optional[dict[str, Any]]:
        return self.store.read_json(stores.manifest_uri(self.root, self.run, task, coord))

    def write_manifest(self, data: dict[str, Any], coord: str = "") -> str:
        uri = stores.manifest_uri(self.root, self.run, self.task, coord)
        self.store.write_json(uri, data)
        return uri

    def created_utc(self) -> str:
        """When the run was created, as KFP's `{{$.pipeline_job_create_time_utc}}` gives it.

        Tekton gives a task no variable for its PipelineRun's creation time, so the first task
        that asks records the time it asked in the store; later tasks read that."""
        uri = stores.run_info_uri(self.root, self.run)
        info = self.store.read_json(uri)
        if not info or "created" not in info:
            info = {**(info or {}), "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
            self.store.write_json(uri, info)
        return info["created"]

    def resolver(self, coord: Optional[list[int]] = None, items: Optional[list[Any]] = None) -> Resolver:
        return Resolver(read_manifest=self.read_manifest, decode=values.decode, params=self.params,
                        coord=list(coord or []), items=list(items or []), run=self.run)

    def output_uri(self, name: str, coord: list[int]) -> str:
        return stores.output_uri(self.root, self.run, self.task, name, coord_text(coord))


def parse_params(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--param {item!r}: expected NAME=VALUE")
        out[name] = value
    return out


def iteration_dirs(io_dir: str) -> list[str]:
    """The io dir of each iteration prepare set up: IO_DIR itself, or IO_DIR/batch/K."""
    count_file = os.path.join(io_dir, "batch", "count")
    if not os.path.exists(count_file):
        return [io_dir]
    with open(count_file) as f:
        count = int(f.read().strip() or 0)
    return [os.path.join(io_dir, "batch", str(k)) for k in range(count)]


def write_state(io: str, state: dict[str, Any]) -> None:
    with open(os.path.join(io, STATE_FILE), "w", encoding="utf-8") as f:
        json.dump(state, f)


def read_state(io: str) -> Optional[dict[str, Any]]:
    try:
        with open(os.path.join(io, STATE_FILE), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
