"""The hook interface: built-in (MLflow) and user hooks, called so that none can hurt a run."""

from __future__ import annotations

import importlib
import logging
import os
from typing import Iterable, Optional

from tekflow.redact import redact

from .events import RunInfo, TaskEvent

log = logging.getLogger("tekflow.tracking")


class Hook:
    """Override what you need; every method is optional."""

    def pipeline_started(self, run: RunInfo) -> None:
        pass

    def task_started(self, run: RunInfo, task: TaskEvent) -> None:
        pass

    def task_finished(self, run: RunInfo, task: TaskEvent) -> None:
        pass

    def pipeline_finished(self, run: RunInfo) -> None:
        pass

    def close(self) -> None:
        pass


class HookSet(Hook):
    """Calls every hook; a hook that raises is logged and never stops the run or the others."""

    def __init__(self, hooks: Iterable[Hook]) -> None:
        self.hooks = list(hooks)

    def _each(self, method: str, *args) -> None:
        for hook in self.hooks:
            try:
                getattr(hook, method)(*args)
            except Exception as e:  # tracking never fails a pipeline
                log.warning("tracking hook %s.%s failed: %s", type(hook).__name__, method, redact(str(e)))

    def pipeline_started(self, run: RunInfo) -> None:
        self._each("pipeline_started", run)

    def task_started(self, run: RunInfo, task: TaskEvent) -> None:
        self._each("task_started", run, task)

    def task_finished(self, run: RunInfo, task: TaskEvent) -> None:
        self._each("task_finished", run, task)

    def pipeline_finished(self, run: RunInfo) -> None:
        self._each("pipeline_finished", run)

    def close(self) -> None:
        self._each("close")


def user_hooks(spec: Optional[str] = None) -> list[Hook]:
    """Hooks named as `module:attribute` in TEKFLOW_HOOKS (comma separated); attribute is a
    Hook instance, or a class / factory called without arguments."""
    spec = os.environ.get("TEKFLOW_HOOKS", "") if spec is None else spec
    hooks: list[Hook] = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        module_name, _, attribute = item.partition(":")
        try:
            target = getattr(importlib.import_module(module_name), attribute or "hook")
            hooks.append(target() if callable(target) and not isinstance(target, Hook) else target)
        except Exception as e:
            log.warning("cannot load tracking hook %r: %s", item, redact(str(e)))
    return hooks
