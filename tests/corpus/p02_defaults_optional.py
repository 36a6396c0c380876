"""Pipeline defaults, optional parameters with and without defaults."""
from typing import Optional

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def greet(name: str, title: Optional[str] = None, times: int = 1) -> str:
    prefix = f"{title} " if title else ""
    return ", ".join([f"hello {prefix}{name}"] * times)


@dsl.pipeline(name="defaults-optional")
def defaults_optional(name: str = "ada", title: Optional[str] = None, times: int = 2) -> str:
    return greet(name=name, title=title, times=times).output


ARGUMENTS = {"name": "grace"}
EXPECTED = {"Output": "hello grace, hello grace"}
