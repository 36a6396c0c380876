"""The `cluster` test group: one test cluster per session for every module (the `test_cluster`
fixture of tests/cluster_fixtures.py). It is part of a plain `pytest` run and can be chosen alone
with `pytest -m cluster` or left out with `pytest -m "not cluster"`.

When the group is in the run, its tests go last and the cluster's binaries are built in the
background meanwhile (the first build takes minutes: docs/cluster.md)."""

from __future__ import annotations

import pytest

from cluster_fixtures import start_background_build, stop_background_build, test_cluster  # noqa: F401 - the session fixture, for every module


@pytest.hookimpl(trylast=True)  # after `-m` has deselected what it does not select
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    in_group = [item for item in items if item.get_closest_marker("cluster") is not None]
    if not in_group:
        return
    items[:] = [item for item in items if item.get_closest_marker("cluster") is None] + in_group
    start_background_build()


def pytest_sessionfinish(session: pytest.Session) -> None:
    stop_background_build()
