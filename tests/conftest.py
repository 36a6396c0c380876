"""The `cluster` test group: one test cluster per session for every module (the `test_cluster`
fixture of tests/cluster_fixtures.py), selected with `pytest -m cluster` and deselected otherwise."""

from __future__ import annotations

import pytest

from cluster_fixtures import cluster_selected, test_cluster  # noqa: F401 - the session fixture, for every module


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without `-m cluster` the group is deselected (not skipped): it needs a cluster and minutes."""
    if cluster_selected(config):
        return
    keep = [item for item in items if item.get_closest_marker("cluster") is None]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("cluster")])
        items[:] = keep
