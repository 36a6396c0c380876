"""The hand-written PipelineRuns the local executor is tested on are ones Tekton itself accepts."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent / "pipelineruns"


@pytest.mark.parametrize("path", sorted(HERE.glob("*.yaml")), ids=lambda p: p.stem)
def test_tekton_accepts_the_test_pipelineruns(path):
    from tekton_validation import assert_valid

    # alpha: matrix include and PipelineTask onError are not stable API fields yet
    assert_valid(path, api_fields="alpha")
