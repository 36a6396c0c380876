"""The arguments of tekflow's hints (`dsl.gpu`, `dsl.schedule`), checked when the hint is called.

Types, Kubernetes' syntax for labels, quantities and PriorityClass names, and its rules for
tolerations and affinity (tekflow.compiler.k8s), so a mistake points at the line that made
it. What depends on the cluster profile (vendors, products) is checked when compiling.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from tekflow.errors import TekflowError


class HintError(TekflowError, ValueError):
    """A hint's argument that the compiler or Kubernetes would refuse; the message names it."""


class HintTypeError(HintError, TypeError):
    """A hint's argument of the wrong type."""


def check_gpu(where: str, count: Any, vendor: Any, product: Any, min_memory: Any, mig: Any, shared: Any, cpu: Any,
              memory: Any) -> int:
    """Raise HintError naming the first wrong argument; the GPU count as an int."""
    whole = _gpu_count(count, where)
    _text(vendor, "vendor", where)
    for name, value in (("product", product), ("mig", mig)):
        if value is not None:
            _text(value, name, where)
    for name, value in (("min_memory", min_memory), ("cpu", cpu), ("memory", memory)):
        if value is not None:
            _quantity(value, name, where)
    _flag(shared, "shared", where)
    return whole


def _fail(where: str, problem: str, wrong_type: bool = False) -> NoReturn:
    raise (HintTypeError if wrong_type else HintError)(f"{where}: {problem}")


def _text(value: Any, name: str, where: str) -> None:
    if not isinstance(value, str):
        _fail(where, f"{name}: expected a string, got {type(value).__name__} {value!r}", wrong_type=True)
    if not value:
        _fail(where, f"{name}: must not be empty")


def _flag(value: Any, name: str, where: str) -> None:
    if not isinstance(value, bool):
        _fail(where, f"{name}: expected True or False, got {type(value).__name__} {value!r}", wrong_type=True)


def _gpu_count(count: Any, where: str) -> int:
    whole = isinstance(count, (int, float)) and not isinstance(count, bool) and math.isfinite(count) \
        and count == int(count) and count >= 1
    if not whole:
        part = " (for part of a GPU use mig='1g.10gb' or shared=True)" if isinstance(count, float) else ""
        _fail(where, f"GPU count must be a whole number >= 1, got {count!r}{part}",
              wrong_type=isinstance(count, bool) or not isinstance(count, (int, float)))
    return int(count)


def _quantity(value: Any, name: str, where: str) -> None:
    from tekflow.compiler.names import is_quantity

    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        _fail(where, f"{name}: expected a Kubernetes quantity such as '8', '500m' or '64Gi', got "
                     f"{type(value).__name__} {value!r}", wrong_type=True)
    if not is_quantity(str(value)):
        _fail(where, f"{name}={value!r} is not a Kubernetes quantity (e.g. 8, 500m, 64Gi)")


def _label_value(value: Any, name: str, what: str, where: str) -> None:
    from tekflow.compiler import k8s

    _text(value, name, where)
    problem = k8s.label_value_problem(value, what)
    if problem:
        _fail(where, problem)


def _node_selector(selector: Any, where: str) -> None:
    from tekflow.compiler import k8s

    if not isinstance(selector, dict):
        _fail(where, f"node_selector: expected a mapping of label keys to values, got {type(selector).__name__} "
                     f"{selector!r}", wrong_type=True)
    for key, value in selector.items():
        if not isinstance(key, str) or not isinstance(value, str):
            _fail(where, f"node_selector: keys and values must be strings, got {key!r}: {value!r}", wrong_type=True)
    problem = k8s.labels_problem(selector, "node_selector")
    if problem:
        _fail(where, problem)


def _tolerations(tolerations: Any, where: str) -> None:
    from tekflow.compiler import k8s
    from tekflow.compiler.serde import ModelError, from_data

    if not isinstance(tolerations, list):
        _fail(where, f"tolerations: expected a list of mappings, got {type(tolerations).__name__} {tolerations!r}",
              wrong_type=True)
    for i, given in enumerate(tolerations):
        try:
            toleration = from_data(k8s.Toleration, given, f"tolerations[{i}]")
        except ModelError as e:
            _fail(where, str(e), wrong_type=True)
        problem = k8s.toleration_problem(toleration, f"tolerations[{i}]")
        if problem:
            _fail(where, problem)


def _affinity(affinity: Any, where: str) -> None:
    from tekflow.compiler import k8s
    from tekflow.compiler.serde import ModelError, from_data

    try:
        parsed = from_data(k8s.Affinity, affinity, "affinity")
    except ModelError as e:
        _fail(where, str(e), wrong_type=True)
    problem = k8s.affinity_problem(parsed, "affinity")
    if problem:
        _fail(where, problem)


def check_scheduling(where: str, queue: Any, priority: Any, priority_class: Any, spot: Any, node_selector: Any,
                     tolerations: Any, affinity: Any, gang: Any) -> None:
    """Raise HintError naming the first wrong argument."""
    from tekflow.compiler.names import is_dns_subdomain

    for name, value, what in (("queue", queue, "queue name"), ("priority", priority, "priority"),
                              ("gang", gang, "gang name")):
        if value is not None:
            _label_value(value, name, what, where)
    if priority_class is not None:
        _text(priority_class, "priority_class", where)
        if not is_dns_subdomain(priority_class):
            _fail(where, f"priority_class: {priority_class!r} is not a valid PriorityClass name (a DNS subdomain: "
                         "lower-case letters, digits, '-' and '.')")
    if spot is not None:
        _flag(spot, "spot", where)
    if node_selector is not None:
        _node_selector(node_selector, where)
    if tolerations is not None:
        _tolerations(tolerations, where)
    if affinity is not None:
        _affinity(affinity, where)
