"""Container components: OutputPath, InputPath, concat and if-present placeholders."""
from tekflow import dsl
from tekflow.dsl import Dataset, Input, Output


@dsl.container_component
def write_lines(count: int, lines: Output[Dataset]):
    return dsl.ContainerSpec(image="alpine:3", command=["sh", "-c", 'i=0; while [ $i -lt "$0" ]; do echo "line $i"; '
                                                                    'i=$((i+1)); done > "$1"'],
                             args=[count, lines.path])


@dsl.container_component
def count_lines(lines: Input[Dataset], label: str, total: dsl.OutputPath(int), tag: str = ""):
    return dsl.ContainerSpec(
        image="alpine:3",
        command=["sh", "-c", 'n=$(wc -l < "$0"); printf %s "$n" > "$1"; echo "$2"'],
        args=[lines.path, total,
              dsl.ConcatPlaceholder([label, dsl.IfPresentPlaceholder(input_name="tag", then=dsl.ConcatPlaceholder(["#", tag]))])],
    )


@dsl.component(base_image="python:3.11")
def plus(a: int, b: int) -> int:
    return a + b


@dsl.pipeline(name="container")
def container(count: int = 3) -> int:
    w = write_lines(count=count)
    c1 = count_lines(lines=w.outputs["lines"], label="plain")
    c2 = count_lines(lines=w.outputs["lines"], label="tagged", tag="x")
    return plus(a=c1.outputs["total"], b=c2.outputs["total"]).output


ARGUMENTS = {"count": 7}
EXPECTED = {"Output": 14}
