"""A retried loop iteration: with parallelism=1 every iteration is in one batch (one TaskRun);
iteration 2 fails on its first attempt. The retry runs that iteration again and keeps the
ones that had succeeded, so each counts its own attempts: [1, 2, 1], summed 4."""
from typing import List

from tekflow import dsl


@dsl.component(base_image="python:3.11")
def attempt(i: int, counts: str) -> int:
    import os

    os.makedirs(counts, exist_ok=True)
    path = os.path.join(counts, str(i))
    n = int(open(path).read()) + 1 if os.path.exists(path) else 1
    with open(path, "w") as f:
        f.write(str(n))
    if i == 2 and n == 1:
        raise RuntimeError("first attempt of iteration 2 fails")
    return n


@dsl.component(base_image="python:3.11")
def total(xs: List[int]) -> int:
    return sum(xs)


@dsl.pipeline(name="control-retry-in-loop-batch")
def retry_in_loop_batch(counts: str = "/tmp/counts") -> List[int]:
    with dsl.ParallelFor([1, 2, 3], parallelism=1) as i:
        a = attempt(i=i, counts=counts).set_retry(2).set_display_name("attempt")
    total(xs=dsl.Collected(a.output)).set_display_name("total")
    return dsl.Collected(a.output)


FRESH_DIRECTORY_PARAM = "counts"
ARGUMENTS = {}
EXPECTED_STATUS = "Succeeded"
EXPECTED = {"Output": [1, 2, 1]}
EXPECTED_TASKS = {"total": {"status": "Succeeded", "outputs": {"Output": 4}}}
