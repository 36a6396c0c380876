"""GPUs on this machine for `tekflow run`: which are visible, and which a task's step gets."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Optional

GPU_RESOURCES = ("nvidia.com/gpu", "nvidia.com/gpu.shared", "amd.com/gpu", "gpu.intel.com/i915")


def visible_gpus() -> list[str]:
    """GPU indices this process may use: CUDA_VISIBLE_DEVICES when set, else nvidia-smi's list."""
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        return [g for g in (s.strip() for s in env.split(",")) if g and g != "-1"]
    if shutil.which("nvidia-smi") is None:
        return []
    try:
        listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [str(i) for i, line in enumerate(l for l in listing.splitlines() if l.startswith("GPU "))]


def requested(limits: dict[str, str]) -> int:
    """Whole GPUs (or MIG slices, or shares) a step's limits ask for."""
    total = 0
    for name, value in limits.items():
        if name in GPU_RESOURCES or name.startswith("nvidia.com/mig-"):
            try:
                total += int(value)
            except ValueError:
                continue
    return total


def plan(count: int, task: str, visible: Optional[list[str]] = None) -> tuple[dict[str, str], Optional[str]]:
    """The environment giving a step its GPUs, and a warning when this machine cannot."""
    if count <= 0:
        return {}, None
    visible = visible_gpus() if visible is None else visible
    if not visible:
        return {"CUDA_VISIBLE_DEVICES": ""}, f"task {task!r} asks for {count} GPU(s) but none are visible here; " \
                                             "it runs on the CPU"
    if count > len(visible):
        return {"CUDA_VISIBLE_DEVICES": ",".join(visible)}, \
            f"task {task!r} asks for {count} GPU(s); only {len(visible)} visible here, it gets all of them"
    return {"CUDA_VISIBLE_DEVICES": ",".join(visible[:count])}, None


class GpuPool:
    """This machine's visible GPUs, leased to steps so that concurrent tasks never share one
    (a task waits for free GPUs as a pod waits for a node that has them)."""

    def __init__(self, visible: Optional[list[str]] = None) -> None:
        self.visible = visible_gpus() if visible is None else list(visible)
        self._free = list(self.visible)
        self._changed = threading.Condition()

    @contextmanager
    def lease(self, count: int, task: str, cancel: Optional[threading.Event] = None
              ) -> Iterator[tuple[dict[str, str], Optional[str]]]:
        """(environment, warning) for a step asking for `count` GPUs, held until the block ends."""
        if count <= 0 or not self.visible:
            yield plan(count, task, self.visible)
            return
        wanted = min(count, len(self.visible))
        taken: list[str] = []
        with self._changed:
            while len(self._free) < wanted and not (cancel and cancel.is_set()):
                self._changed.wait(timeout=0.2)
            if len(self._free) >= wanted:
                taken, self._free = self._free[:wanted], self._free[wanted:]
        try:
            yield plan(count, task, taken) if taken else ({"CUDA_VISIBLE_DEVICES": ""}, None)
        finally:
            with self._changed:
                self._free = [g for g in self.visible if g in self._free or g in taken]
                self._changed.notify_all()
