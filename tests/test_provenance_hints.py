"""Output artifacts carry their URI and sha256 digest as Tekton Chains type-hinted results
(`<name>-ARTIFACT_OUTPUTS`, docs: Tekton Chains "SLSA Provenance", type hinting), so a cluster
running Chains records models and datasets as what the run produced, with no extra setup."""

import hashlib
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from kfp import dsl
from kfp.dsl import Dataset, Metrics, Model, Output

from corpus_support import ROOT
from tekflow import local
from tekflow.compiler import Compiler
from tekflow.compiler.emit import to_yaml
from tekflow.runtime.digests import artifact_digest
from tekton_validation import assert_valid

# Chains' documented format: an object result whose name ends in ARTIFACT_OUTPUTS, keys `uri` and
# `digest` ("<algorithm>:<hex>"), and (formats slsa/v2alpha4+) `isBuildArtifact` "true" for subjects.
CHAINS_NAME = re.compile(r"^.*ARTIFACT_OUTPUTS$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


@dsl.component
def produce(data: Output[Dataset], model: Output[Model], folder: Output[Model], scores: Output[Metrics]):
    import os

    with open(data.path, "w") as f:
        f.write("a,b\n1,2\n")
    with open(model.path, "wb") as f:
        f.write(bytes(range(256)))
    os.makedirs(os.path.join(folder.path, "sub"))
    for name, text in (("weights.bin", "w"), ("sub/config.json", "{}"), ("z.txt", "z")):
        with open(os.path.join(folder.path, name), "w") as f:
            f.write(text)
    scores.log_metric("auc", 0.9)


@dsl.component
def looped(i: int, out: Output[Dataset]):
    with open(out.path, "w") as f:
        f.write(str(i))


@dsl.pipeline(name="hinted")
def hinted():
    produce()
    with dsl.ParallelFor([1, 2]) as i:
        looped(i=i)


def _task_specs(run):
    return {t.display_name: t.task_spec for t in run.spec.pipeline_spec.tasks}


def test_file_and_folder_artifacts_declare_chains_results_metrics_and_loops_do_not():
    run = Compiler().compile_to_pipelinerun(hinted)
    assert_valid(to_yaml(run))
    specs = _task_specs(run)
    hints = {r.name: r for r in specs["produce"].results if CHAINS_NAME.match(r.name)}
    assert set(hints) == {"data-ARTIFACT_OUTPUTS", "model-ARTIFACT_OUTPUTS", "folder-ARTIFACT_OUTPUTS"}
    for result in hints.values():
        assert result.type == "object" and set(result.properties) == {"uri", "digest", "isBuildArtifact"}
    publish = next(s for s in specs["produce"].steps if s.name == "publish")
    assert "data=$(results.data-ARTIFACT_OUTPUTS.path)" in publish.args
    assert not [r for r in specs["looped"].results if CHAINS_NAME.match(r.name)]


def test_the_results_name_what_the_run_wrote_with_their_digests(tmp_path):
    result = local.run(hinted, run_dir=tmp_path / "run")
    assert result.succeeded, result.message
    values = result.tasks["produce"].results
    hints = {name: json.loads(value) if isinstance(value, str) else value
             for name, value in values.items() if CHAINS_NAME.match(name)}
    assert set(hints) == {"data-ARTIFACT_OUTPUTS", "model-ARTIFACT_OUTPUTS", "folder-ARTIFACT_OUTPUTS"}
    for name, hint in hints.items():
        assert set(hint) == {"uri", "digest", "isBuildArtifact"} and hint["isBuildArtifact"] == "true"
        assert DIGEST.match(hint["digest"]), hint
        path = Path(urlparse(hint["uri"]).path)
        assert path.exists() and artifact_digest(str(path)) == hint["digest"]
    model = Path(urlparse(hints["model-ARTIFACT_OUTPUTS"]["uri"]).path)
    assert hints["model-ARTIFACT_OUTPUTS"]["digest"] == "sha256:" + hashlib.sha256(bytes(range(256))).hexdigest()
    # a folder's digest is what the documented shell recipe gives (tekflow.runtime.digests)
    folder = Path(urlparse(hints["folder-ARTIFACT_OUTPUTS"]["uri"]).path)
    recipe = subprocess.run("find . -type f -printf '%P\\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum",
                            shell=True, cwd=folder, capture_output=True, text=True, check=True)
    assert hints["folder-ARTIFACT_OUTPUTS"]["digest"] == "sha256:" + recipe.stdout.split()[0]
    assert model.read_bytes() == bytes(range(256))


def test_hints_stay_inside_the_results_budget(tmp_path):
    names = [f"artifact_with_a_rather_long_name_{i:02d}" for i in range(20)]
    source = tmp_path / "many.py"
    source.write_text(
        "from kfp import dsl\nfrom kfp.dsl import Dataset, Output\n\n\n@dsl.component\ndef many("
        + ", ".join(f"{n}: Output[Dataset]" for n in names) + "):\n"
        + "".join(f"    open({n}.path, 'w').write('{n}')\n" for n in names)
        + "\n\n@dsl.pipeline(name='many')\ndef many_pipeline():\n    many()\n")
    result = local.run(source, run_dir=tmp_path / "run")
    assert result.succeeded, result.message  # Tekton's 4096-byte termination message holds them all
    hints = [n for n in result.tasks["many"].results if CHAINS_NAME.match(n)]
    assert 0 < len(hints) < len(names)
    log = "".join(p.read_text() for p in (tmp_path / "run").rglob("*.log"))
    assert "no Tekton Chains type hint, the task's results are full" in log
