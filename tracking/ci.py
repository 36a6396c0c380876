"""Where a run came from in CI, as tags of its pipeline run: a fixed allow-list of non-secret
fields per CI system, never a copy of the environment (CI jobs hold tokens and passwords in
variables named like their public ones: GITHUB_TOKEN, CI_JOB_TOKEN, CI_REGISTRY_PASSWORD)."""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from typing import Mapping, Optional

from tekflow.redact import is_secret_name, without_credentials

FIELDS = ("repository", "commit", "branch", "run_id", "run_url", "actor")  # tagged as ci.<field>
VALUE_LIMIT = 250

Env = Mapping[str, str]


@dataclass(frozen=True)
class CISystem:
    name: str
    detect: str  # the variable that is set only in this system's jobs
    # field -> templates of named variables, the first whose variables are all set wins
    fields: dict[str, tuple[str, ...]]


CI_SYSTEMS = (
    CISystem("github-actions", "GITHUB_ACTIONS", {
        "repository": ("{GITHUB_REPOSITORY}",), "commit": ("{GITHUB_SHA}",),
        "branch": ("{GITHUB_HEAD_REF}", "{GITHUB_REF_NAME}"), "run_id": ("{GITHUB_RUN_ID}",),
        "run_url": ("{GITHUB_SERVER_URL}/{GITHUB_REPOSITORY}/actions/runs/{GITHUB_RUN_ID}",),
        "actor": ("{GITHUB_ACTOR}",)}),
    CISystem("gitlab-ci", "GITLAB_CI", {
        "repository": ("{CI_PROJECT_PATH}",), "commit": ("{CI_COMMIT_SHA}",), "branch": ("{CI_COMMIT_REF_NAME}",),
        "run_id": ("{CI_PIPELINE_ID}",), "run_url": ("{CI_PIPELINE_URL}", "{CI_JOB_URL}"),
        "actor": ("{GITLAB_USER_LOGIN}",)}),
    CISystem("buildkite", "BUILDKITE", {
        "repository": ("{BUILDKITE_REPO}",), "commit": ("{BUILDKITE_COMMIT}",), "branch": ("{BUILDKITE_BRANCH}",),
        "run_id": ("{BUILDKITE_BUILD_ID}",), "run_url": ("{BUILDKITE_BUILD_URL}",),
        "actor": ("{BUILDKITE_BUILD_CREATOR}",)}),
    CISystem("jenkins", "JENKINS_URL", {
        "repository": ("{GIT_URL}",), "commit": ("{GIT_COMMIT}",), "branch": ("{BRANCH_NAME}", "{GIT_BRANCH}"),
        "run_id": ("{BUILD_TAG}",), "run_url": ("{BUILD_URL}",), "actor": ("{BUILD_USER_ID}",)}),
    CISystem("circleci", "CIRCLECI", {
        "repository": ("{CIRCLE_PROJECT_USERNAME}/{CIRCLE_PROJECT_REPONAME}",), "commit": ("{CIRCLE_SHA1}",),
        "branch": ("{CIRCLE_BRANCH}",), "run_id": ("{CIRCLE_WORKFLOW_ID}", "{CIRCLE_BUILD_NUM}"),
        "run_url": ("{CIRCLE_BUILD_URL}",), "actor": ("{CIRCLE_USERNAME}",)}),
    CISystem("travis", "TRAVIS", {
        "repository": ("{TRAVIS_REPO_SLUG}",), "commit": ("{TRAVIS_COMMIT}",), "branch": ("{TRAVIS_BRANCH}",),
        "run_id": ("{TRAVIS_BUILD_ID}",), "run_url": ("{TRAVIS_BUILD_WEB_URL}",)}),
    # Tekton sets no variables of its own: a Task that runs tekflow passes these from its
    # context ($(context.pipelineRun.name)) and params
    CISystem("tekton", "TEKTON_PIPELINE_RUN", {
        "repository": ("{TEKTON_REPOSITORY}",), "commit": ("{TEKTON_REVISION}",),
        "run_id": ("{TEKTON_PIPELINE_RUN}",), "run_url": ("{TEKTON_PIPELINE_RUN_URL}",)}),
)


def variables(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _value(templates: tuple[str, ...], env: Env) -> Optional[str]:
    for template in templates:
        names = variables(template)
        # a secret-named variable is never read, whatever the table says
        if names and all(env.get(n) and not is_secret_name(n) for n in names):
            return template.format_map({n: env[n] for n in names})
    return None


def ci_tags(environ: Optional[Env] = None) -> dict[str, str]:
    """`ci.system` and the allow-listed fields of the CI system this process runs in ({} outside
    CI). URLs lose any user info (a clone URL may carry a token)."""
    env = os.environ if environ is None else environ
    system = next((s for s in CI_SYSTEMS if env.get(s.detect)), None)
    if system is None:
        return {}
    tags = {"ci.system": system.name}
    for field_name, templates in system.fields.items():
        value = _value(templates, env)
        if value:
            tags[f"ci.{field_name}"] = without_credentials(value)[:VALUE_LIMIT]
    return tags
