"""GPUs on this machine for `tekflow run`: which are visible, and which a task's step gets."""

from __future__ import annotations

import os
import shutil
import subprocess
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
