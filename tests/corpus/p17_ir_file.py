"""A pipeline given as a KFP IR file (compiled by kfp at import), then compiled by tekflow."""
import os
import tempfile

from kfp import compiler as kfp_compiler

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.pipeline(name="from-ir")
def from_ir(x: int = 3) -> int:
    return square(x=square(x=x).output).output


IR_FILE = os.path.join(tempfile.mkdtemp(prefix="tekflow-ir-"), "from_ir.yaml")
kfp_compiler.Compiler().compile(from_ir, IR_FILE)

SOURCE = IR_FILE  # the corpus tests compile and run this file instead of the function
ARGUMENTS = {"x": 2}
EXPECTED = {"Output": 16}
