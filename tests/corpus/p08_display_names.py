"""Display names, long names over 63 characters, names that collide after DNS-1123 cleanup."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def a_component_with_a_really_long_name_that_goes_on_and_on_past_the_kubernetes_limit(x: int) -> int:
    return x + 1


@dsl.component(base_image="python:3.11")
def Make_Thing(x: int) -> int:
    return x * 2


@dsl.component(base_image="python:3.11")
def make_thing(x: int) -> int:
    return x * 10


@dsl.pipeline(name="Display Names & Long Ones")
def display_names(x: int = 1) -> int:
    a = a_component_with_a_really_long_name_that_goes_on_and_on_past_the_kubernetes_limit(x=x)
    a.set_display_name("Long one")
    b = Make_Thing(x=a.output).set_display_name("Upper")
    c = make_thing(x=b.output).set_display_name("lower")
    return c.output


ARGUMENTS = {"x": 2}
EXPECTED = {"Output": 60}
