"""A pipeline loaded from an IR file as a component: an inner pipeline compiled to IR at import
time (kfp's compiler, into a temporary file) and loaded with load_component_from_file, used in
a chain and inside a condition. square_plus(x) = x * x + 1: square_plus(3) = 10,
square_plus(10) = 101."""
import os
import tempfile

from kfp import compiler as kfp_compiler
from kfp import components

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.11")
def add(x: int, y: int) -> int:
    return x + y


@dsl.pipeline(name="control-square-plus")
def square_plus(x: int, plus: int = 1) -> int:
    return add(x=square(x=x).output, y=plus).output


_IR = os.path.join(tempfile.mkdtemp(prefix="tekflow-control-ir-"), "square_plus.yaml")
kfp_compiler.Compiler().compile(square_plus, _IR)
square_plus_from_ir = components.load_component_from_file(_IR)


@dsl.pipeline(name="control-ir-component")
def ir_component(x: int = 3, again: bool = True) -> int:
    first = square_plus_from_ir(x=x).set_display_name("first")
    with dsl.If(again == True):  # noqa: E712
        second = square_plus_from_ir(x=first.output).set_display_name("second")
    with dsl.Else():
        same = add(x=first.output, y=0).set_display_name("same")
    return dsl.OneOf(second.output, same.output)


ARGUMENTS = {"x": 3, "again": True}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": 101}
EXPECTED_TASKS = {"same": {"status": "Skipped"}}  # a pipeline component is no task of its own
VARIANTS = [
    (ARGUMENTS, EXPECTED, EXPECTED_TASKS),
    ({"x": 3, "again": False}, {"Output": 10}, {
        "same": {"status": "Succeeded", "outputs": {"Output": 10}},
    }),
]
