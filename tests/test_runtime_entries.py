"""Launch-spec entries resolved against manifests, params and loop iterations."""

import json

import pytest

from tekflow.runtime.entries import ABSENT, EntryError, Resolver
from tekflow.runtime.iterations import batch_count, batch_members, enumerate_iterations


def _decode(text, kfp_type):
    return text if kfp_type == "STRING" else json.loads(text)


def _resolver(manifests, params=None, coord=(), items=()):
    return Resolver(read_manifest=lambda task, coord: manifests.get((task, coord)), decode=_decode,
                    params=dict(params or {}), coord=list(coord), items=list(items))


def test_manifest_value_wins_over_the_tekton_text():
    r = _resolver({("make", ""): {"parameters": {"Output": "$(context.pipelineRun.name)"}}}, {"m": "mangled"})
    assert r.parameter({"param": "m", "producer": "make", "output": "Output"}, "STRING") == "$(context.pipelineRun.name)"


def test_spilled_value_without_manifest_is_an_error():
    r = _resolver({}, {"m": "tekflow:spilled"})
    with pytest.raises(EntryError, match="spilled"):
        r.parameter({"param": "m", "producer": "make", "output": "Output"}, "STRING")


def test_optional_producer_that_failed_is_absent():
    r = _resolver({})
    assert r.parameter({"producer": "make", "output": "Output", "optional": True}, "NUMBER_INTEGER") is ABSENT


def test_empty_optional_pipeline_param_is_absent_but_empty_string_is_a_string():
    r = _resolver({}, {"n": "", "s": ""})
    assert r.parameter({"param": "n"}, "NUMBER_INTEGER") is ABSENT
    assert r.parameter({"param": "s"}, "STRING") == ""


def test_producer_in_a_loop_is_read_at_this_iteration():
    manifests = {("sq", "1"): {"parameters": {"Output": 4}}, ("sq", "0"): {"parameters": {"Output": 1}}}
    assert _resolver(manifests, coord=[1]).parameter({"producer": "sq", "output": "Output", "depth": 1},
                                                     "NUMBER_INTEGER") == 4


def test_loop_item_and_field():
    r = _resolver({}, coord=[0, 1], items=[{"a": {"b": 7}}, "x"])
    assert r.parameter({"loop_item": 0, "path": ["a", "b"]}, "NUMBER_INTEGER") == 7
    assert r.parameter({"loop_item": 1, "path": []}, "STRING") == "x"


def test_collect_one_level_skips_skipped_iterations_in_order():
    space = {"iterations": [{"coord": [i], "items": [i]} for i in range(4)], "batches": 2}
    manifests = {("sq", "0"): {"parameters": {"Output": 0}}, ("sq", "1"): {"skipped": True},
                 ("sq", "2"): {"parameters": {"Output": 4}}, ("sq", "3"): {"parameters": {"Output": 9}}}
    entry = {"collect": {"producer": "sq", "output": "Output", "depth": 1, "levels": 1, "space": space}}
    assert _resolver(manifests).parameter(entry, "LIST") == [0, 4, 9]


def test_collect_nested_gives_lists_of_lists():
    iterations = enumerate_iterations(2, lambda level, coord, items: [[1, 2], [], [3]] if level == 0 else items[0])
    space = {"iterations": iterations, "batches": 3}
    manifests = {("t", f"{i}.{j}"): {"parameters": {"Output": it["items"][1] * 10}}
                 for it in iterations for i, j in [it["coord"]]}
    entry = {"collect": {"producer": "t", "output": "Output", "depth": 2, "levels": 2, "space": space}}
    assert _resolver(manifests).parameter(entry, "LIST") == [[10, 20], [30]]  # the empty inner loop has no coord
    inner = {"collect": {"producer": "t", "output": "Output", "depth": 2, "levels": 1, "space": space}}
    assert _resolver(manifests, coord=[0]).parameter(inner, "LIST") == [10, 20]


def test_one_of_takes_the_branch_that_ran():
    manifests = {("b", ""): {"parameters": {"Output": "B"}}}
    entry = {"one_of": [{"producer": "a", "output": "Output", "optional": True},
                        {"producer": "b", "output": "Output", "optional": True}]}
    assert _resolver(manifests).parameter(entry, "STRING") == "B"
    with pytest.raises(EntryError, match="no branch"):
        _resolver({}).parameter(entry, "STRING")


def test_final_status_reports_the_failed_task_and_its_error():
    manifests = {("work-2", ""): {"error": "main step exited with code 3"}}
    entry = {"final_status": {"group": "exit-handler-1", "tasks": {"work": "s0", "work-2": "s1"}}}
    status = _resolver(manifests, {"s0": "Succeeded", "s1": "Failed"}).parameter(entry, "TASK_FINAL_STATUS")
    assert status["state"] == "FAILED" and status["error"]["message"] == "main step exited with code 3"
    ok = _resolver({}, {"s0": "Succeeded", "s1": "None"}).parameter(entry, "TASK_FINAL_STATUS")
    assert ok["state"] == "SUCCEEDED" and ok["error"] == {}


def test_importer_uri_from_a_param():
    r = _resolver({}, {"u": "file:///data/x"})
    record = r.artifact({"uri_from": {"param": "u"}, "type": {"schemaTitle": "system.Dataset"}, "metadata": {"k": 1}})
    assert record["uri"] == "file:///data/x" and record["metadata"] == {"k": 1}


def test_batches_honour_parallelism_and_the_matrix_cap():
    flat = enumerate_iterations(1, lambda *_: list(range(1000)))
    assert batch_count(flat, [0]) == 256
    assert batch_count(flat, [3]) == 3
    members = [batch_members(flat, 3, b) for b in range(3)]
    assert sorted(it["coord"][0] for m in members for it in m) == list(range(1000))
    nested = enumerate_iterations(2, lambda level, coord, items: [1, 2, 3] if level == 0 else [1, 2])
    assert batch_count(nested, [2, 0]) == 4  # 2 outer at a time, each with its 2 inner iterations
    assert batch_count([], [0]) == 0
