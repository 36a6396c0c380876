"""The CI samples of samples/ci/ stay true to the CLI: every `tekflow …` line in them parses with the
real click commands (options, choices, arguments), names pipeline files that exist, and the
publish job's compile command runs and writes a Pipeline and its CronJob."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import click
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CI = REPO / "samples" / "ci"
GITHUB = CI / "github-actions.yml"
GITLAB = CI / "gitlab-ci.yml"
PLACEHOLDER = "ci-value"  # stands for a value CI supplies (a secret, a CI variable)

# keys of .gitlab-ci.yml that are not jobs
GITLAB_KEYWORDS = {"stages", "variables", "default", "include", "workflow", "image", "services", "cache",
                   "before_script", "after_script", "spec"}


# -- reading the shell lines of the samples ----------------------------------------------------------


@dataclass
class Command:
    """One `tekflow …` command of a sample: its words, the files its output is redirected to."""
    where: str  # file and job, for messages
    job: str
    words: list[str]
    redirects: list[str] = field(default_factory=list)


def _expand(text: str, env: Mapping[str, str]) -> str:
    """CI expressions and shell variables: the value the sample sets itself (env:, variables:), else
    a placeholder word."""

    def known(name: str) -> str:
        value = env.get(name)
        return str(value) if value is not None and "$" not in str(value) else PLACEHOLDER

    def expression(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        return known(inner[4:]) if re.fullmatch(r"env\.\w+", inner) else PLACEHOLDER

    text = re.sub(r"\$\{\{(.*?)\}\}", expression, text)
    return re.sub(r"\$(?:\{(\w+)\}|([A-Za-z_]\w*))", lambda m: known(m.group(1) or m.group(2)), text)


def logical_lines(script: str) -> Iterator[str]:
    """The lines of a shell script, backslash continuations joined, comments and blanks left out."""
    for line in re.sub(r"\\\n", " ", script).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line


def shell_commands(line: str) -> Iterator[tuple[list[str], list[str]]]:
    """(words, redirection targets) of each simple command of one shell line."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words: list[str] = []
    redirects: list[str] = []
    tokens = list(lexer)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token and set(token) <= set("();<>|&"):
            if "<" in token or ">" in token:  # a redirection: drop it, its target and its fd
                if words and words[-1].isdigit():
                    words.pop()
                target = tokens[i + 1] if i + 1 < len(tokens) else ""
                if target and not (token.endswith("&") and re.fullmatch(r"\d+|-", target)):  # not 2>&1
                    redirects.append(target)
                i += 2
                continue
            if words:  # ; && || | & ( ): the end of a command
                yield words, redirects
            words, redirects = [], []
        else:
            words.append(token)
        i += 1
    if words:
        yield words, redirects


def tekflow_commands_of(script: str, env: Mapping[str, str], where: str, job: str) -> Iterator[Command]:
    for line in logical_lines(script):
        for words, redirects in shell_commands(_expand(line, env)):
            while words and re.fullmatch(r"\w+=.*", words[0]):  # VAR=value tekflow …
                words = words[1:]
            if words and words[0] == "tekflow":
                yield Command(where, job, words[1:], redirects)


def _str_env(mapping: Any) -> dict[str, str]:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): (v["value"] if isinstance(v, dict) else str(v)) for k, v in mapping.items()}


def github_commands(doc: dict[str, Any]) -> list[Command]:
    found = []
    for job_name, job in doc["jobs"].items():
        for step in job.get("steps", []):
            if "run" in step:
                env = {**_str_env(doc.get("env")), **_str_env(job.get("env")), **_str_env(step.get("env"))}
                found += tekflow_commands_of(step["run"], env, f"{GITHUB.name} job {job_name}", job_name)
    return found


def _script_entries(entries: Any) -> Iterator[str]:
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, list):  # nested lists (!reference) are flattened by GitLab
            yield from _script_entries(entry)
        elif entry is not None:
            yield str(entry)


def gitlab_jobs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: job for name, job in doc.items()
            if name not in GITLAB_KEYWORDS and not name.startswith(".") and isinstance(job, dict)}


def gitlab_commands(doc: dict[str, Any]) -> list[Command]:
    found = []
    default = doc.get("default") or {}
    for job_name, job in gitlab_jobs(doc).items():
        env = {**_str_env(doc.get("variables")), **_str_env(job.get("variables"))}
        scripts = [job.get("before_script", default.get("before_script", doc.get("before_script"))),
                   job.get("script"),
                   job.get("after_script", default.get("after_script", doc.get("after_script")))]
        for entries in scripts:
            for entry in _script_entries(entries):
                found += tekflow_commands_of(entry, env, f"{GITLAB.name} job {job_name}", job_name)
    return found


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict), f"{path.name} is not a YAML mapping"
    return doc


def all_commands() -> list[Command]:
    return github_commands(load(GITHUB)) + gitlab_commands(load(GITLAB))


# -- parsing with the real CLI --------------------------------------------------------------------------


def parse(args: list[str]) -> click.Context:
    """The context tekflow's click command makes of `args` (tekflow's own words, without `tekflow`),
    without running the command. Raises click.UsageError as the CLI would."""
    from tekflow.cli.main import _register, cli

    _register()
    ctx = cli.make_context("tekflow", list(args))
    cmd_name, cmd, rest = cli.resolve_command(ctx, list(args))
    assert cmd is not None and cmd_name is not None
    return cmd.make_context(cmd_name, rest, parent=ctx)


def parse_line(line: str) -> list[click.Context]:
    commands = list(tekflow_commands_of(line, {}, "a made-up line", "-"))
    assert commands, f"no tekflow command in {line!r}"
    return [parse(c.words) for c in commands]


def _id(command: Command) -> str:
    return f"{command.where}: tekflow {' '.join(command.words[:2])}"


COMMANDS = all_commands()


# -- structure ------------------------------------------------------------------------------------------


def test_github_workflow_structure() -> None:
    doc = load(GITHUB)
    on = doc[True]  # PyYAML reads the key `on` as the boolean true (YAML 1.1)
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on
    assert [s["cron"] for s in on["schedule"]] == ["0 2 * * *"]
    jobs = doc["jobs"]
    assert set(jobs) >= {"submit", "publish-pipeline"}
    for name, job in jobs.items():
        assert job["steps"], name
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"job {name}: a step with neither or both of uses/run"
    assert "push" in jobs["publish-pipeline"]["if"]
    uploads = [s for s in jobs["submit"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(uploads) == 1 and uploads[0]["if"] == "always()"
    paths = uploads[0]["with"]["path"].split()
    submit = _submit_of("submit", github_commands(doc))
    assert str(submit.params["junit"]) in paths
    assert set(_redirects("submit", github_commands(doc))) <= set(paths)
    assert "secrets.KUBECONFIG_B64" in GITHUB.read_text()


def test_gitlab_ci_structure() -> None:
    doc = load(GITLAB)
    jobs = gitlab_jobs(doc)
    assert set(jobs) >= {"submit", "publish-pipeline"}
    for name, job in jobs.items():
        assert job["script"], name
        assert job["stage"] in doc["stages"], name
        assert job.get("rules"), name
    artifacts = jobs["submit"]["artifacts"]
    assert artifacts["when"] == "always"
    submit = _submit_of("submit", gitlab_commands(doc))
    assert artifacts["reports"]["junit"] == str(submit.params["junit"])
    assert set(_redirects("submit", gitlab_commands(doc))) <= set(artifacts["paths"])
    sources = " ".join(rule["if"] for rule in jobs["submit"]["rules"])
    for source in ("push", "schedule", "web"):
        assert f'$CI_PIPELINE_SOURCE == "{source}"' in sources


def _submit_of(job: str, commands: list[Command]) -> click.Context:
    submits = [parse(c.words) for c in commands if c.job == job and c.words[0] == "submit"]
    assert len(submits) == 1, f"job {job}: {len(submits)} tekflow submit commands"
    return submits[0]


def _redirects(job: str, commands: list[Command]) -> list[str]:
    return [target for c in commands if c.job == job for target in c.redirects]


def test_samples_run_submit_and_compile() -> None:
    for path, commands in ((GITHUB, github_commands(load(GITHUB))), (GITLAB, gitlab_commands(load(GITLAB)))):
        ran = {(c.job, c.words[0]) for c in commands}
        assert ran >= {("submit", "submit"), ("publish-pipeline", "compile"), ("publish-pipeline", "submit")}, \
            path.name


# -- every tekflow line parses ------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=_id)
def test_tekflow_line_parses(command: Command) -> None:
    try:
        ctx = parse(command.words)
    except click.UsageError as e:
        pytest.fail(f"{command.where}: `tekflow {shlex.join(command.words)}`: {e.format_message()}")
    source = ctx.params.get("source")
    if source is not None:
        assert (REPO / source).is_file(), f"{command.where}: {source} is not a file of the repository"


@pytest.mark.parametrize("line", [
    "tekflow submit samples/quickstart.py --no-such-flag",
    "tekflow submit samples/quickstart.py --wait --output yaml > run.json",
    "tekflow compile --kind pipeline -o pipeline.yaml",
    "tekflow compile samples/quickstart.py --kind workflow",
    "tekflow sumbit samples/quickstart.py",
])
def test_the_parser_rejects_what_the_cli_rejects(line: str) -> None:
    with pytest.raises(click.UsageError):
        parse_line(line)


def test_line_reading() -> None:
    script = ('echo start\n'
              'FOO=1 tekflow submit a.py -p "x=a > b" \\\n'
              '  --output json > run.json 2>&1 && tekflow get "$RUN" -n ${{ env.NS }}\n'
              '# tekflow not-a-command\n')
    commands = list(tekflow_commands_of(script, {"NS": "ml"}, "script", "job"))
    assert [c.words for c in commands] == [["submit", "a.py", "-p", "x=a > b", "--output", "json"],
                                           ["get", PLACEHOLDER, "-n", "ml"]]
    assert commands[0].redirects == ["run.json"]


# -- submit's own checks, up to the cluster connection ----------------------------------------------


class _ReachedTheCluster(click.exceptions.Exit):
    pass


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.words[0] == "submit"], ids=_id)
def test_submit_line_reaches_the_cluster(command: Command, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The checks submit makes before it connects (--junit needs --wait, durations, options that
    do not go with --pipeline-ref, compiling SOURCE) pass."""
    import tekflow.cli.cluster_commands as cluster_commands

    def connect(kubeconfig: Any, context: Any) -> None:
        raise _ReachedTheCluster(0)

    monkeypatch.setattr(cluster_commands, "_connect", connect)
    monkeypatch.chdir(REPO)
    ctx = parse(command.words)
    try:
        with ctx:
            ctx.command.invoke(ctx)
    except _ReachedTheCluster:
        return
    except SystemExit as e:
        pytest.fail(f"{command.where}: `tekflow {shlex.join(command.words)}` exited {e.code}: "
                    f"{capsys.readouterr().err.strip()}")
    pytest.fail(f"{command.where}: `tekflow {shlex.join(command.words)}` did not connect to the cluster")


# -- the publish job's compile, for real ----------------------------------------------------------------


def _with_output(words: list[str], output: Path) -> list[str]:
    replaced = list(words)
    for i, word in enumerate(replaced):
        if word in ("-o", "--output") and i + 1 < len(replaced):
            replaced[i + 1] = str(output)
            return replaced
        if word.startswith("--output="):
            replaced[i] = f"--output={output}"
            return replaced
    pytest.fail(f"no -o in `tekflow {shlex.join(words)}`")


PUBLISH_COMPILES: dict[tuple[str, ...], list[Command]] = {}
for _command in COMMANDS:
    if _command.job == "publish-pipeline" and _command.words[0] == "compile":
        PUBLISH_COMPILES.setdefault(tuple(_command.words), []).append(_command)


@pytest.mark.parametrize("words", list(PUBLISH_COMPILES),
                         ids=lambda w: ", ".join(c.where for c in PUBLISH_COMPILES[w]))
def test_publish_compile_runs(words: tuple[str, ...], tmp_path: Path) -> None:
    """Run once for each distinct compile command (the samples' are the same)."""
    where = ", ".join(c.where for c in PUBLISH_COMPILES[words])
    out = tmp_path / "pipeline.yaml"
    done = subprocess.run([sys.executable, "-m", "tekflow.cli.main", *_with_output(list(words), out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{where}: exit {done.returncode}: {done.stderr}"
    documents = [d for d in yaml.safe_load_all(out.read_text()) if d]
    kinds = [d["kind"] for d in documents]
    assert "Pipeline" in kinds and "CronJob" in kinds, kinds
    # each job's smoke run starts the Pipeline it applied, in its namespace
    pipeline = next(d for d in documents if d["kind"] == "Pipeline")
    for compiled in PUBLISH_COMPILES[words]:
        smoke = [parse(c.words) for c in COMMANDS
                 if c.where == compiled.where and c.words[0] == "submit" and "--pipeline-ref" in c.words]
        assert smoke, f"{compiled.where}: no tekflow submit --pipeline-ref"
        for ctx in smoke:
            assert ctx.params["pipeline_ref"] == pipeline["metadata"]["name"], compiled.where
            assert ctx.params["namespace"] == pipeline["metadata"]["namespace"], compiled.where
