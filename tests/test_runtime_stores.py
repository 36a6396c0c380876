"""Artifact stores: file:// in place, other schemes through fsspec (memory:// here)."""

import pytest

from tekflow.runtime import stores


def test_layout_is_root_run_task_iteration():
    assert stores.output_uri("file:///s", "r", "t", "data") == "file:///s/r/t/data"
    assert stores.manifest_uri("s3://b/p/", "r", "t", "0.1") == "s3://b/p/r/t/0.1/_tekflow_outputs.json"


def test_file_store_is_used_in_place(tmp_path):
    store = stores.store_for(f"file://{tmp_path}")
    assert store.is_local
    uri = f"file://{tmp_path}/run/task/_tekflow_outputs.json"
    assert store.read_json(uri) is None
    store.write_json(uri, {"parameters": {"a": 1}})
    assert store.read_json(uri) == {"parameters": {"a": 1}}
    assert store.local_path(f"file://{tmp_path}/x%20y") == f"{tmp_path}/x y"


def test_fsspec_store_round_trips_files_and_directories(tmp_path):
    store = stores.store_for("memory://bucket")
    assert not store.is_local
    source = tmp_path / "model"
    (source / "sub").mkdir(parents=True)
    (source / "weights.bin").write_bytes(b"\x00\x01")
    (source / "sub" / "config.json").write_text("{}")
    store.upload(str(source), "memory://bucket/run/train/model")
    single = tmp_path / "one.txt"
    single.write_text("hello")
    store.upload(str(single), "memory://bucket/run/train/one")

    back = tmp_path / "back"
    store.download("memory://bucket/run/train/model", str(back))
    assert (back / "weights.bin").read_bytes() == b"\x00\x01"
    assert (back / "sub" / "config.json").read_text() == "{}"
    store.download("memory://bucket/run/train/one", str(tmp_path / "one-back.txt"))
    assert (tmp_path / "one-back.txt").read_text() == "hello"

    store.write_json("memory://bucket/run/train/_tekflow_outputs.json", {"artifacts": {}})
    assert store.read_json("memory://bucket/run/train/_tekflow_outputs.json") == {"artifacts": {}}
    assert store.read_json("memory://bucket/run/none/_tekflow_outputs.json") is None


def test_exists_in_both_kinds_of_store(tmp_path):
    (tmp_path / "here").write_text("x")
    assert stores.store_for("file:///").exists(f"file://{tmp_path}/here")
    assert not stores.store_for("file:///").exists(f"file://{tmp_path}/missing")
    memory = stores.store_for("memory://bucket")
    memory.write_json("memory://bucket/exists/m.json", {})
    assert memory.exists("memory://bucket/exists/m.json")
    assert not memory.exists("memory://bucket/exists/other.json")


def test_fsspec_store_with_real_directories_makes_parents_and_reuploads_in_place(tmp_path):
    # fsspec's local:// behaves like a file system, not an object store: parents must exist
    store = stores.store_for(f"local://{tmp_path}/store")
    source = tmp_path / "model"
    (source / "sub").mkdir(parents=True)
    (source / "sub" / "w").write_text("1")
    (tmp_path / "one").write_text("2")
    target = f"local://{tmp_path}/store/run/task/model"
    store.upload(str(source), target)
    store.upload(str(source), target)  # a retried publish must not nest model/model
    store.upload(str(tmp_path / "one"), f"local://{tmp_path}/store/run/task/deep/one")
    store.write_json(stores.manifest_uri(f"local://{tmp_path}/store", "run", "other"), {"parameters": {}})
    assert sorted(p.name for p in (tmp_path / "store/run/task/model").iterdir()) == ["sub"]
    assert (tmp_path / "store/run/task/deep/one").read_text() == "2"
    assert (tmp_path / "store/run/other/_tekflow_outputs.json").exists()


def test_unknown_store_scheme_is_a_clear_error():
    with pytest.raises(ValueError, match=r"no artifact store is known for nope://"):
        stores.store_for("nope://bucket")


def test_minio_uris_are_s3_objects():
    try:
        import s3fs  # noqa: F401
    except ImportError:  # the error names the package the launcher image must have
        for uri in ("s3://bucket/root", "minio://bucket/root"):
            with pytest.raises(ValueError, match="s3fs"):
                stores.store_for(uri)
        return
    store = stores.store_for("minio://bucket/root")
    assert "s3" in store.fs.protocol
    assert store._native("minio://bucket/root/run/t/x") == "s3://bucket/root/run/t/x"


def test_a_runs_manifests_are_found_in_every_kind_of_store(tmp_path):
    """What the provenance of a cluster run is read from: each task's and each iteration's manifest,
    and no other run's (run1 is a prefix of run10)."""
    from tekflow.runtime.stores import FileStore, FsspecStore, manifest_uri

    memory = FsspecStore("memory")
    for store, root in ((FileStore(), tmp_path.as_uri()), (memory, "memory://bucket/root")):
        for run, task, coord in (("run1", "a", ""), ("run1", "a", "0"), ("run1", "b", "1.2"), ("run10", "a", "")):
            store.write_json(manifest_uri(root, run, task, coord), {"artifacts": {}})
        store.write_json(f"{root}/run1/a/other.json", {})
        assert store.manifests(root, "run1") == sorted(
            manifest_uri(root, "run1", t, c) for t, c in (("a", ""), ("a", "0"), ("b", "1.2")))
        assert store.manifests(root, "run2") == []
