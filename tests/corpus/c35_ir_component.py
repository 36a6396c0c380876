"""A pipeline loaded from an IR file as a component, used twice."""
import os
import tempfile

from kfp import compiler as kfp_compiler
from kfp import components

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def triple(x: int) -> int:
    return 3 * x


@dsl.pipeline(name="tripler")
def tripler(x: int = 1) -> int:
    return triple(x=x).output


_IR = os.path.join(tempfile.mkdtemp(prefix="tekflow-ir-component-"), "tripler.yaml")
kfp_compiler.Compiler().compile(tripler, _IR)
tripler_component = components.load_component_from_file(_IR)


@dsl.pipeline(name="ir-component")
def ir_component(x: int = 2) -> int:
    first = tripler_component(x=x)
    return tripler_component(x=first.output).output


ARGUMENTS = {"x": 2}
EXPECTED = {"Output": 18}
