"""dsl.ParallelFor over a List[dict] pipeline parameter with `item.field` access and a condition
on a str field inside the loop (team == "red").
(No field is called "name": `item.name` is the loop argument's own attribute in kfp.)"""
from typing import List, NamedTuple

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def greet(name: str, age: int) -> str:
    return f"{name} is {age}"


@dsl.component(base_image="python:3.11")
def join(xs: List[str]) -> str:
    return "; ".join(xs)


@dsl.pipeline(name="control-loop-param-dicts")
def loop_param_dicts(people: List[dict] = [{"who": "zed", "age": 1, "team": "red"}]) -> NamedTuple(
        "Outputs", everyone=str, red_team=List[str]):
    with dsl.ParallelFor(people) as person:
        g = greet(name=person.who, age=person.age).set_display_name("greet")
        with dsl.If(person.team == "red"):
            red = greet(name=person.who, age=person.age).set_display_name("team-red")
    j = join(xs=dsl.Collected(g.output)).set_display_name("join")
    outputs = NamedTuple("Outputs", everyone=str, red_team=List[str])
    return outputs(everyone=j.output, red_team=dsl.Collected(red.output))


ARGUMENTS = {"people": [{"who": "ann", "age": 31, "team": "red"}, {"who": "bob", "age": 45, "team": "blue"},
                        {"who": "cy", "age": 52, "team": "red"}]}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"everyone": "ann is 31; bob is 45; cy is 52", "red_team": ["ann is 31", "cy is 52"]}
EXPECTED_TASKS = {"join": {"status": "Succeeded", "outputs": {"Output": "ann is 31; bob is 45; cy is 52"}}}
