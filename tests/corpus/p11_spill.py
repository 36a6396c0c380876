"""An output larger than Tekton's 4 KB termination message is spilled and still arrives."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def big(n: int) -> str:
    return "".join(chr(ord("a") + i % 26) for i in range(n))


@dsl.component(base_image="python:3.11")
def checksum(s: str) -> str:
    import hashlib
    return f"{len(s)}:{hashlib.sha256(s.encode()).hexdigest()[:12]}"


@dsl.pipeline(name="spill")
def spill(n: int = 10000) -> str:
    return checksum(s=big(n=n).output).output


ARGUMENTS = {"n": 20000}
EXPECTED = {"Output": "20000:" + __import__("hashlib").sha256("".join(chr(ord("a") + i % 26)
                                                               for i in range(20000)).encode()).hexdigest()[:12]}
