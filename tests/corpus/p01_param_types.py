"""Every KFP parameter type in and out, with defaults."""
from typing import Dict, List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def describe(s: str, i: int, f: float, b: bool, l: List[int], d: Dict[str, str]) -> str:
    return f"{s}|{i + 1}|{f * 2}|{not b}|{sum(l)}|{sorted(d.items())}"


@dsl.component(base_image="python:3.11")
def as_types(text: str) -> Dict[str, str]:
    return {"text": text, "length": str(len(text))}


@dsl.pipeline(name="param-types")
def param_types(s: str = "x", i: int = 1, f: float = 1.25, b: bool = False, l: List[int] = [1, 2, 3],
                d: Dict[str, str] = {"k": "v"}) -> Dict[str, str]:
    return as_types(text=describe(s=s, i=i, f=f, b=b, l=l, d=d).output).output


ARGUMENTS = {"s": "hi", "i": 41, "f": 0.5, "b": True, "l": [4, 5], "d": {"a": "b"}}
EXPECTED = {"Output": {"text": "hi|42|1.0|False|9|[('a', 'b')]", "length": "30"}}
