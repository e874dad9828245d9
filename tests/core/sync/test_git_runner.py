"""The hardened git runner: argv, env, progress parsing, stall timeout, failure lines."""

from __future__ import annotations

import time

import pytest

from rbdesk.core.sync.git import (
    GitFailure,
    GitRunner,
    classify_failure,
    git_env,
    parse_progress,
    received_size,
)

from .gitfixtures import stalled_server


def test_argv_is_fixed_and_hardened(tmp_path):
    argv = GitRunner().argv(["fetch", "--", "origin"], cwd=tmp_path)
    assert argv[0] == "git" and argv[-3:] == ["fetch", "--", "origin"]
    configs = [argv[i + 1] for i, a in enumerate(argv) if a == "-c"]
    for needed in (
        "protocol.ext.allow=never",
        "transfer.credentialsInUrl=die",
        "core.hooksPath=/dev/null",
        "submodule.recurse=false",
    ):
        assert needed in configs


def test_env_cannot_prompt_or_redirect(monkeypatch):
    monkeypatch.setenv("GIT_DIR", "/elsewhere")
    monkeypatch.setenv("GIT_ASKPASS", "/usr/bin/ksshaskpass")
    monkeypatch.setenv("GIT_SSH_COMMAND", "ssh -i key")
    env = git_env()
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert "GIT_DIR" not in env and "GIT_ASKPASS" not in env
    assert env["GIT_SSH_COMMAND"] == "ssh -i key"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Receiving objects:  45% (450/1000), 1.20 MiB | 1.10 MiB/s", ("receiving objects", 0.45)),
        ("remote: Counting objects: 100% (6/6), done.", ("counting objects", 1.0)),
        ("Resolving deltas:   0% (0/3)", ("resolving deltas", 0.0)),
        ("remote: Enumerating objects: 20, done.", ("enumerating objects", None)),
        ("fatal: could not read from remote repository", None),
        ("hint: Using 'master' as the name", None),
    ],
)
def test_parse_progress(line, expected):
    assert parse_progress(line) == expected


def test_received_size():
    err = "Receiving objects:  50% (1/2)\rReceiving objects: 100% (2/2), 3.50 MiB | 9 MiB/s, done."
    assert received_size(err) == "3.50 MiB"


@pytest.mark.parametrize(
    ("stderr", "kind", "message"),
    [
        (
            "fatal: unable to look up git.example.com (port 9418) (Name or service not known)",
            "dns",
            "DNS failure: could not resolve git.example.com",
        ),
        (
            "fatal: unable to access 'https://git.example.com/x/': "
            "Could not resolve host: git.example.com",
            "dns",
            "DNS failure: could not resolve git.example.com",
        ),
        (
            "fatal: unable to access 'https://git.example.com/x/': "
            "Failed to connect to git.example.com port 443",
            "network",
            "offline: could not reach git.example.com",
        ),
        (
            "fatal: could not read Username for 'https://git.example.com': "
            "terminal prompts disabled",
            "auth",
            "authentication failed for git.example.com: use a git credential helper or an ssh key",
        ),
        (
            "git@git.example.com: Permission denied (publickey).",
            "auth",
            "authentication failed for git.example.com: use a git credential helper or an ssh key",
        ),
        (
            "fatal: the remote end hung up unexpectedly\nfatal: early EOF",
            "connection_lost",
            "connection to git.example.com lost during the transfer",
        ),
        (
            "error: inflate: data stream error (incorrect header check)\n"
            "fatal: loose object 22bbc41374ba0c50f72a595098440c7ec4af4031 (stored in "
            "./objects/22/bbc41374ba0c50f72a595098440c7ec4af4031) is corrupt\n"
            "fatal: the remote end hung up unexpectedly",
            "remote_corrupt",
            "the repository at https://git.example.com/x.git is corrupted (loose object "
            "22bbc41 is corrupt); ask its maintainers to repair it (git fsck)",
        ),
        (
            "remote: fatal: bad object 0123456789abcdef0123456789abcdef01234567\n"
            "fatal: protocol error: bad pack header",
            "remote_corrupt",
            "the repository at https://git.example.com/x.git is corrupted (bad object "
            "0123456); ask its maintainers to repair it (git fsck)",
        ),
        (
            "fatal: remote error: repository not found",
            "not_a_repo",
            "not a git repository: https://git.example.com/x.git",
        ),
        (
            "fatal: couldn't find remote ref refs/heads/nope",
            "branch_not_found",
            "branch 'nope' not found on https://git.example.com/x.git",
        ),
        (
            "error: unable to write file: No space left on device",
            "disk_full",
            "disk full: no space left to store source 'ops'; free some space and sync again",
        ),
        (
            "fatal: something new",
            "git",
            "git failed for https://git.example.com/x.git: something new",
        ),
    ],
)
def test_classify_failure(stderr, kind, message):
    got = classify_failure(
        stderr,
        url="https://git.example.com/x.git",
        host="git.example.com",
        branch="nope",
        source="ops",
    )
    assert got == (kind, message)


def test_stall_timeout_kills_a_silent_transfer():
    runner = GitRunner(stall_timeout=1.0)
    with stalled_server() as port:
        t0 = time.monotonic()
        with pytest.raises(GitFailure) as failed:
            runner.run(["ls-remote", "--", f"git://127.0.0.1:{port}/x.git"])
        elapsed = time.monotonic() - t0
    assert failed.value.kind == "stalled" and 0.9 < elapsed < 5


def test_missing_git_is_a_clear_error(tmp_path):
    with pytest.raises(GitFailure) as failed:
        GitRunner(git=str(tmp_path / "no-git")).run(["version"])
    assert failed.value.kind == "no_git"
    assert failed.value.message == "git is not installed or not on PATH: install git and retry"
