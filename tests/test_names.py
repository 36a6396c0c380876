"""Names and values that cross into Tekton."""

import re

import pytest

from tekflow.compiler.names import UniqueNames, dns_label, param_name, result_name
from tekflow.compiler.parameters import coerce, encode, parse_assignments, parse_text
from tekflow.errors import TekflowError

DNS = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@pytest.mark.parametrize("name", ["make", "Make_Data", "a" * 100, "x--y__", "--", "for-loop-2", "Ünïcode task"])
def test_dns_label_is_valid_and_stable(name):
    label = dns_label(name)
    assert DNS.match(label) and len(label) <= 63
    assert dns_label(name) == label


def test_long_names_keep_distinct_hash_suffixes():
    a, b = dns_label("x" * 70 + "a"), dns_label("x" * 70 + "b")
    assert a != b and len(a) == len(b) == 63


def test_unique_names_resolve_collisions_deterministically():
    names = UniqueNames()
    first, second = names.get("Train"), names.get("train")
    assert first == "train" and second != first and DNS.match(second)
    assert names.get("Train") == first
    again = UniqueNames()
    assert (again.get("Train"), again.get("train")) == (first, second)


def test_result_and_param_names():
    assert result_name("Output") == "Output"
    assert re.match(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$", result_name("_private_"))
    assert result_name("_a") != result_name("a_")
    assert param_name("pipelinechannel--n") == "pipelinechannel--n"


@pytest.mark.parametrize(
    "text, kfp_type, value",
    [("5", "NUMBER_INTEGER", 5), ("1.5", "NUMBER_DOUBLE", 1.5), ("2", "NUMBER_DOUBLE", 2.0),
     ("TRUE", "BOOLEAN", True), ("no", "BOOLEAN", False), ('[1, "a"]', "LIST", [1, "a"]),
     ('{"a": 1}', "STRUCT", {"a": 1}), ("[not json", "STRING", "[not json")],
)
def test_parse_text_by_type(text, kfp_type, value):
    assert parse_text("p", text, kfp_type) == value


@pytest.mark.parametrize(
    "text, kfp_type", [("abc", "NUMBER_INTEGER"), ("1.5", "NUMBER_INTEGER"), ("x", "NUMBER_DOUBLE"),
                       ("maybe", "BOOLEAN"), ('{"a":1}', "LIST"), ("[1]", "STRUCT"), ("true", "NUMBER_INTEGER")],
)
def test_parse_text_rejects_wrong_types(text, kfp_type):
    with pytest.raises(TekflowError, match=r"parameter 'p' expects"):
        parse_text("p", text, kfp_type)


def test_encode_and_coerce():
    assert encode("a b", "STRING") == "a b"
    assert encode({"b": 1, "a": [1.5, True]}, "STRUCT") == '{"a":[1.5,true],"b":1}'
    assert coerce("n", 3.0, "NUMBER_INTEGER") == 3
    with pytest.raises(TekflowError):
        coerce("n", True, "NUMBER_INTEGER")


def test_parse_assignments():
    assert parse_assignments(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(TekflowError, match="NAME=VALUE"):
        parse_assignments(["novalue"])
