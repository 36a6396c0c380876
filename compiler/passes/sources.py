"""Where a task's value comes from -> a launch-spec entry (plus the Tekton params it needs).

Shared by task inputs, launcher-evaluated conditions and loop items. Entries are described in
docs/architecture.md "Launch spec"; in short:

* `{"param": P}` — the value arrives as Tekton param P (a pipeline param);
* `{"param": P, "producer": T, "output": O}` — a result of T, the exact value read from T's manifest;
* `{"producer": T, "output": O, "depth": D}` — only from T's manifest (T is inside D loops, or may
  have failed when `"optional": true`), at this task's iteration;
* `{"collect": {...}}` — dsl.Collected: every iteration's value, as a list;
* `{"constant": V}`, `{"loop_item": LEVEL, "path": [...]}`, `{"final_status": {...}}`.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from tekflow.errors import NotSupportedError, TekflowError

from .. import tekton
from ..context import (Constant, FinalStatus, Imported, Key, LoopItem, Lowering, OneOf, PipelineParam, Source, TaskArtifact,
                       TaskNode, TaskOutput)
from ..names import param_name


class Entries:
    """Builds entries for one consumer (a task, or a loop's iterations helper)."""

    def __init__(self, ctx: Lowering, where: str, loops: tuple = (), is_finally: bool = False) -> None:
        self.ctx = ctx
        self.where = where
        self.loop_keys: tuple[Key, ...] = tuple(loop.key for loop in loops)
        self.is_finally = is_finally
        self.params: list[tekton.Param] = []

    def _add_param(self, name: str, value: str) -> str:
        pname = param_name(name)
        if all(p.name != pname for p in self.params):
            self.params.append(tekton.Param(name=pname, value=value))
        return pname

    def parameter(self, name: str, source: Source) -> Optional[dict[str, Any]]:
        """The entry of a parameter value, or None when absent (the component's default applies)."""
        if isinstance(source, PipelineParam):
            return {"param": self._add_param(name, f"$(params.{param_name(source.name)})")}
        if isinstance(source, TaskOutput):
            return self._task_value(name, source, source.producer, source.output, source.collected, result=True)
        if isinstance(source, Constant):
            return {"constant": source.value}
        if isinstance(source, LoopItem):
            return self.loop_item(source)
        if isinstance(source, FinalStatus):
            return {"final_status": self._final_status(name, source)}
        if isinstance(source, OneOf):
            return {"one_of": [self._branch(name, option) for option in source.options]}
        if source is None or type(source).__name__ == "Absent":
            return None
        raise NotSupportedError(f"not supported yet: input parameter {name!r} from {source!r} in {self.where}")

    def artifact(self, name: str, source: Source) -> dict[str, Any]:
        if isinstance(source, OneOf):
            return {"one_of": [self._branch(name, option) for option in source.options]}
        if isinstance(source, TaskArtifact):
            return self._task_value(name, source, source.producer, source.output, source.collected, result=False)
        if isinstance(source, Imported):
            entry: dict[str, Any] = {"type": dict(source.schema), "metadata": json.loads(source.metadata_json)}
            if isinstance(source.uri, Constant):
                entry["uri"] = source.uri.value
                return entry
            uri = self.parameter(f"{name}-uri", source.uri)
            if uri is None:
                raise TekflowError(f"the importer of input {name!r} in {self.where} has no URI")
            entry["uri_from"] = uri
            return entry
        raise NotSupportedError(f"not supported yet: input artifact {name!r} from {source!r} in {self.where}")

    def loop_item(self, source: LoopItem) -> dict[str, Any]:
        if source.loop not in self.loop_keys:
            raise TekflowError(f"{self.where} uses the item of loop {'/'.join(source.loop)!r} outside that loop")
        return {"loop_item": self.loop_keys.index(source.loop), "path": list(source.path)}

    def _task_value(self, name: str, source: Source, producer_key: Key, output: str, collected: tuple[Key, ...],
                    result: bool) -> dict[str, Any]:
        if producer_key not in self.ctx.nodes:
            raise TekflowError(f"{self.where} takes {output!r} from unknown task {'/'.join(producer_key)!r}")
        producer = self.ctx.node(producer_key)
        depth = len(producer.loops)
        if collected:
            return {"collect": {"producer": producer.tekton_name, "output": output, "depth": depth,
                                "levels": len(collected), "space": self.ctx.spaces[space_key(producer)]}}
        if depth or not result:
            entry: dict[str, Any] = {"producer": producer.tekton_name, "output": output}
            if depth:
                entry["depth"] = depth
            if self.is_finally:
                entry["optional"] = True
            return entry
        if self.is_finally:
            # The producer may have failed: a result reference would skip this task in Tekton,
            # so the launcher reads the producer's manifest and falls back to the default.
            return {"producer": producer.tekton_name, "output": output, "optional": True}
        if producer.when:
            # Tekton may skip the producer by its `when`: a result reference would then skip this
            # task as "Results were missing" and every task after it as "Parent Tasks were skipped"
            # (a task skipped by its own `when` does not skip its dependents).
            return {"producer": producer.tekton_name, "output": output}
        result_name = producer.result_names[output]
        pname = self._add_param(name, f"$(tasks.{producer.tekton_name}.results.{result_name})")
        return {"param": pname, "producer": producer.tekton_name, "output": output}

    def _branch(self, name: str, source: Source) -> dict[str, Any]:
        """One option of dsl.OneOf: its branch may have been skipped, so never a result reference."""
        if not isinstance(source, (TaskOutput, TaskArtifact)) or source.collected:
            raise NotSupportedError(f"not supported yet: dsl.OneOf over {source!r} for {name!r} in {self.where}")
        producer = self.ctx.node(source.producer)
        entry: dict[str, Any] = {"producer": producer.tekton_name, "output": source.output, "optional": True}
        if producer.loops:
            entry["depth"] = len(producer.loops)
        return entry

    def _final_status(self, name: str, source: FinalStatus) -> dict[str, Any]:
        """PipelineTaskFinalStatus: the Tekton status of every task of the group, as params."""
        if not self.is_finally:
            raise TekflowError(f"{self.where}: input {name!r} is a PipelineTaskFinalStatus, which only an exit task "
                               "(dsl.ExitHandler) or an .ignore_upstream_failure() task can take")
        tasks = {}
        for i, task in enumerate(sorted(self.ctx.node(k).tekton_name for k in source.tasks)):
            tasks[task] = self._add_param(f"{name}-task-{i}", f"$(tasks.{task}.status)")
        return {"group": "/".join(source.group), "tasks": tasks}


def space_key(node: TaskNode) -> tuple[Key, ...]:
    """Tasks inside the same loops share one iteration space."""
    return tuple(loop.key for loop in node.loops)
