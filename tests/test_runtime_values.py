"""Values crossing Tekton: decoding by type, canonical encoding, spill to the manifest."""

import pytest

from tekflow.runtime.values import SPILLED, ValueError_, coerce, decode, encode, spill


@pytest.mark.parametrize("text, kfp_type, value", [
    ("plain text", "STRING", "plain text"),
    ("3", "NUMBER_INTEGER", 3),
    ("3.0", "NUMBER_INTEGER", 3),
    ("1.5", "NUMBER_DOUBLE", 1.5),
    ("2", "NUMBER_DOUBLE", 2.0),
    ("true", "BOOLEAN", True),
    ("False", "BOOLEAN", False),
    ("[1,2]", "LIST", [1, 2]),
    ('{"a":1}', "STRUCT", {"a": 1}),
])
def test_decode_by_type(text, kfp_type, value):
    decoded = decode(text, kfp_type)
    assert decoded == value and type(decoded) is type(value)


@pytest.mark.parametrize("text, kfp_type", [("abc", "NUMBER_INTEGER"), ("1.5", "NUMBER_INTEGER"),
                                            ("[1]", "STRUCT"), ("{}", "LIST"), ("maybe", "BOOLEAN")])
def test_decode_rejects_wrong_types(text, kfp_type):
    with pytest.raises(ValueError_):
        decode(text, kfp_type)


def test_encode_is_canonical():
    assert encode("a b", "STRING") == "a b"
    assert encode({"b": 1, "a": [1, 2]}, "STRUCT") == '{"a":[1,2],"b":1}'
    assert encode(True, "BOOLEAN") == "true"
    assert coerce(3.0, "NUMBER_INTEGER") == 3


def test_spill_keeps_small_values_and_spills_the_largest_first():
    encoded = {"small": "x", "medium": "m" * 1000, "large": "l" * 2500}
    assert spill(encoded) == {"small": "x", "medium": "m" * 1000, "large": SPILLED}


def test_spill_never_lets_a_real_sentinel_pass_as_a_value():
    assert spill({"a": SPILLED, "b": "ok"}) == {"a": SPILLED, "b": "ok"}


def test_spill_within_budget_changes_nothing():
    encoded = {"a": "1" * 1000, "b": "2" * 1000}
    assert spill(encoded) == encoded


def test_spill_budget_counts_bytes_not_characters():
    assert spill({"a": "ü" * 1600}) == {"a": SPILLED}  # 1600 characters, 3200 bytes
    assert spill({"a": "u" * 1600}) == {"a": "u" * 1600}


def test_spill_takes_the_largest_first_until_the_rest_fits():
    encoded = {"a": "a" * 1200, "b": "b" * 1100, "c": "c" * 1000, "d": "d" * 900}
    assert spill(encoded) == {"a": SPILLED, "b": SPILLED, "c": "c" * 1000, "d": "d" * 900}


@pytest.mark.parametrize("value, kfp_type, text", [
    (3, "NUMBER_INTEGER", "3"), (1.5, "NUMBER_DOUBLE", "1.5"), (False, "BOOLEAN", "false"),
    (["x", 1], "LIST", '["x",1]'), ("tekflow:spilled", "STRING", "tekflow:spilled"), ("", "STRING", ""),
])
def test_encode_then_decode_round_trips(value, kfp_type, text):
    assert encode(value, kfp_type) == text
    assert decode(text, kfp_type) == value
