"""Planted secrets never leave tekflow: not in what it prints (text and --output json), not in any
file it writes (run directory, spool, tracking record), not in the MLflow store it records to.

Secrets are planted where real ones live: the password of the tracking URI, CI tokens in the
environment (GITHUB_TOKEN, CI_JOB_TOKEN, CI_REGISTRY_PASSWORD), cloud keys, a made-up
MY_API_KEY, and a Kubernetes Secret a pipeline reads (kfp-kubernetes use_secret_as_env).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mlflow import MlflowClient

from cli_support import assert_user_error, tekflow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the MLflow server fixture
from mlflow_fixtures import mlflow_server  # noqa: E402,F401 - fixture

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "samples" / "quickstart.py"
URI_PASSWORD = "plantedUriPassw0rd"
PLANTED_ENV = {
    "GITHUB_TOKEN": "ghp_plantedGithubToken01",
    "CI_JOB_TOKEN": "plantedGitlabJobToken02",
    "CI_REGISTRY_PASSWORD": "plantedRegistryPassword03",
    "AWS_SECRET_ACCESS_KEY": "plantedAwsSecretKey04",
    "MY_API_KEY": "plantedMadeUpApiKey05",
    "GITHUB_APP_CREDENTIALS": "plantedAppCredentials06",
    "DB_PASSWORD": "plantedSecretValue07",  # the value a Kubernetes Secret would hold
}
CI_ENV = {  # a GitHub Actions job: the public fields tekflow may record
    "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/models", "GITHUB_SHA": "4f2c1e0", "GITHUB_REF_NAME": "main",
    "GITHUB_RUN_ID": "4242", "GITHUB_SERVER_URL": "https://github.example", "GITHUB_ACTOR": "octo",
}
SECRETS = (URI_PASSWORD, *PLANTED_ENV.values())


def _env(**more: str) -> dict[str, str]:
    return {**PLANTED_ENV, **CI_ENV, "MLFLOW_TRACKING_URI": "", **more}


def _assert_no_secret_printed(*procs) -> None:
    for proc in procs:
        for secret in SECRETS:
            assert secret not in proc.stdout + proc.stderr, f"{secret} printed by {proc.args[1:3]}:\n{proc.stderr}"


def _assert_no_secret_in_files(*roots: Path) -> int:
    """Every file under `roots`, as bytes (SQLite pages, JSON lines, logs, artifacts)."""
    count = 0
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                count += 1
                for secret in SECRETS:
                    assert secret.encode() not in data, f"{secret} written to {path}"
    return count


def test_planted_secrets_are_never_printed_nor_written(tmp_path, mlflow_server):
    with_password = mlflow_server.uri.replace("://", f"://tracker:{URI_PASSWORD}@")
    unreachable = f"http://tracker:{URI_PASSWORD}@127.0.0.1:1"

    tracked = tekflow("run", QUICKSTART, "--run-dir", tmp_path / "tracked", "--tracking-uri", with_password,
                      "--output", "json", cwd=tmp_path, env=_env())
    assert tracked.returncode == 0, tracked.stderr[-3000:]
    run_id = json.loads(tracked.stdout)["tracking_run_id"]
    assert run_id

    text = tekflow("run", QUICKSTART, "--run-dir", tmp_path / "spooled", "--tracking-uri", unreachable,
                   cwd=tmp_path, env=_env())
    assert text.returncode == 0, text.stderr[-3000:]
    spool = tmp_path / "spooled" / "tracking-spool"
    assert list(spool.glob("*.jsonl"))

    refused = tekflow("tracking", "sync", "--spool-dir", spool, "--tracking-uri", unreachable, "--output", "json",
                      cwd=tmp_path, env=_env())
    assert refused.returncode == 1 and json.loads(refused.stdout)["failed"], refused.stderr
    replayed = tekflow("tracking", "sync", "--spool-dir", spool, "--tracking-uri", with_password, "--output", "json",
                       cwd=tmp_path, env=_env())
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout)["events"] >= 3
    lineage = tekflow("lineage", run_id, "--tracking-uri", with_password, "--output", "json", cwd=tmp_path,
                      env=_env())
    assert lineage.returncode == 0, lineage.stderr

    _assert_no_secret_printed(tracked, text, refused, replayed, lineage)
    assert _assert_no_secret_in_files(tmp_path, mlflow_server.directory) > 20
    # masked, not left out: the user still sees which store was meant
    assert "tracker:***@" in tracked.stderr
    assert "was not reached" in text.stderr and "tracker:***@127.0.0.1:1" in text.stderr

    # what CI may record is recorded: the allow-listed fields, nothing else of the environment
    tags = MlflowClient(mlflow_server.uri).get_run(run_id).data.tags
    ci = {k: v for k, v in tags.items() if k.startswith("ci.")}
    assert ci == {"ci.system": "github-actions", "ci.repository": "acme/models", "ci.commit": "4f2c1e0",
                  "ci.branch": "main", "ci.run_id": "4242", "ci.actor": "octo",
                  "ci.run_url": "https://github.example/acme/models/actions/runs/4242"}


KUBERNETES_SECRET_PIPELINE = '''
from kfp import kubernetes
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def connect() -> str:
    import os
    return "connected" if os.environ.get("DB_PASSWORD") else "no password"


@dsl.pipeline(name="uses-a-secret")
def uses_a_secret():
    task = connect()
    kubernetes.use_secret_as_env(task, secret_name="db-credentials", secret_key_to_env={"password": "DB_PASSWORD"})
'''


def test_a_kubernetes_secret_is_compiled_by_name_never_by_value(tmp_path):
    source = tmp_path / "secret_pipeline.py"
    source.write_text(KUBERNETES_SECRET_PIPELINE)
    compiled = tekflow("compile", source, "-o", tmp_path / "run.yaml", cwd=tmp_path, env=_env())
    assert compiled.returncode == 0, compiled.stderr
    text = (tmp_path / "run.yaml").read_text()
    assert "secretKeyRef" in text and "db-credentials" in text and "DB_PASSWORD" in text
    _assert_no_secret_printed(compiled)
    _assert_no_secret_in_files(tmp_path)

    # a tracking URI with a password is refused for a cluster, and the refusal does not repeat it
    refused = tekflow("compile", source, "--tracking-uri", f"http://tracker:{URI_PASSWORD}@mlflow:5000",
                      "--tracking-secret", "mlflow-credentials", cwd=tmp_path, env=_env())
    assert_user_error(refused, "--tracking-uri")
    _assert_no_secret_printed(refused)


def test_credentials_in_a_usage_error_are_masked(tmp_path):
    proc = tekflow("run", QUICKSTART, "--max-parallel", f"http://tracker:{URI_PASSWORD}@host", cwd=tmp_path,
                   env=_env())
    assert_user_error(proc, "--max-parallel", "tracker:***@host")
    _assert_no_secret_printed(proc)


CI_SECRETS = {  # what CI systems really put beside their public variables
    "GITHUB_TOKEN": "ghs_planted01", "ACTIONS_RUNTIME_TOKEN": "planted02", "CI_JOB_TOKEN": "planted03",
    "CI_REGISTRY_PASSWORD": "planted04", "CI_DEPLOY_PASSWORD": "planted05", "BUILDKITE_AGENT_ACCESS_TOKEN": "planted06",
    "CIRCLE_OIDC_TOKEN": "planted07", "TRAVIS_SECURE_ENV_VARS_KEY": "planted08", "JENKINS_API_TOKEN": "planted09",
    "TEKTON_SECRET": "planted10", "CI_JOB_JWT_CREDENTIAL": "planted11",
}


def test_ci_tags_of_every_ci_system_hold_only_allow_listed_fields():
    from tekflow.tracking.ci import CI_SYSTEMS, FIELDS, ci_tags, variables

    for system in CI_SYSTEMS:
        public = {name: f"value-of-{name}" for templates in system.fields.values() for t in templates
                  for name in variables(t)}
        if "GIT_URL" in public:  # a clone URL that carries a token
            public["GIT_URL"] = "https://ci-bot:planted12@git.example/acme/models.git"
        tags = ci_tags({**CI_SECRETS, **public, system.detect: "true"})
        assert tags["ci.system"] == system.name
        assert set(tags) <= {"ci.system", *(f"ci.{f}" for f in FIELDS)}, tags
        assert len(tags) > 2, tags
        for value in tags.values():
            assert "planted" not in value, (system.name, tags)
    assert ci_tags({**CI_SECRETS}) == {}  # not in CI: nothing
