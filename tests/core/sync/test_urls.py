"""URL, branch, subdir and name validation; credential redaction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbdesk.core.sync.git import GitRunner
from rbdesk.core.sync.urls import (
    UnsafeURLError,
    redact,
    validate_branch,
    validate_name,
    validate_subdir,
    validate_url,
)


@pytest.mark.parametrize(
    ("url", "transport", "host"),
    [
        ("https://github.com/acme/runbooks.git", "https", "github.com"),
        ("ssh://git@git.example.com:2222/ops/runbooks.git", "ssh", "git.example.com"),
        ("git@github.com:acme/runbooks.git", "ssh", "github.com"),
        ("git://127.0.0.1:9418/ops.git", "git", "127.0.0.1"),
        ("file:///srv/git/ops.git", "file", ""),
    ],
)
def test_accepted_urls(url, transport, host):
    parsed = validate_url(url)
    assert (parsed.url, parsed.transport, parsed.host) == (url, transport, host)


def test_local_paths_become_absolute(tmp_path, monkeypatch):
    (tmp_path / "runbooks").mkdir()
    monkeypatch.chdir(tmp_path)
    parsed = validate_url("./runbooks")
    assert parsed.transport == "local" and parsed.url == str(tmp_path / "runbooks")
    assert validate_url(str(tmp_path / "runbooks")).url == str(tmp_path / "runbooks")
    with pytest.raises(UnsafeURLError, match="no such local folder"):
        validate_url(str(tmp_path / "missing"))


HOSTILE = [
    ("ext::sh -c touch% /tmp/pwned", "'ext::' transport runs commands"),
    ("fd::17", "'fd::' transport runs commands"),
    ("--upload-pack=touch /tmp/x", "starts with '-'"),
    ("-oProxyCommand=touch /tmp/x", "starts with '-'"),
    ("ssh://-oProxyCommand=touch%20x/repo", "invalid host name"),
    ("-oProxyCommand=x@host:repo", "starts with '-'"),
    ("git@-oProxyCommand=x:repo", "invalid host name"),
    ("https://example.com/a\nb", "control characters"),
    ("https://example.com/\x1b[31mx", "control characters"),
    ("https://example.com/\u202eevil", "control characters"),
    ("https://user:hunter2@example.com/x.git", "contains credentials"),
    ("https://ghp_secrettoken@example.com/x.git", "contains credentials"),
    ("ssh://git:hunter2@example.com/x.git", "contains credentials"),
    ("bob:hunter2@example.com:x.git", "contains a password"),
    ("ftp://example.com/x.git", "unsupported scheme"),
    ("file://relative/path", "needs an absolute path"),
    ("https://example.com", "names no repository path"),
    ("", "it is empty"),
    (" https://example.com/x", "spaces"),
]


@pytest.mark.parametrize(("url", "reason"), HOSTILE)
def test_hostile_urls_are_refused_without_leaking_secrets(url, reason):
    with pytest.raises(UnsafeURLError) as refused:
        validate_url(url)
    assert reason in str(refused.value)
    assert "hunter2" not in str(refused.value) and "ghp_secrettoken" not in str(refused.value)


def test_hardened_git_refuses_ext_even_if_validation_were_bypassed(tmp_path):
    """Defence in depth: the runner's -c options block ext:: inside git itself."""
    marker = tmp_path / "pwned"
    runner = GitRunner(stall_timeout=10)
    result = runner.run(["ls-remote", "--", f"ext::sh -c touch% {marker}"], check=False)
    assert result.returncode != 0 and not marker.exists()
    assert "transport 'ext' not allowed" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://u:p4ss@h/x fatal", "https://***@h/x fatal"),
        ("fetch https://tok3n@h/x", "fetch https://***@h/x"),
        ("ssh://git@h/x", "ssh://git@h/x"),
        ("ssh://git:pw@h/x", "ssh://***@h/x"),
        ("clone of 'bob:pw@h:r' failed", "clone of 'bob:***@h:r' failed"),
        ("git@github.com:a/b.git", "git@github.com:a/b.git"),
        ("no url here: a@b", "no url here: a@b"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12))
def test_redaction_never_shows_the_password(secret):
    secret = "s" + "".join(ch for ch in secret if ch.isalnum()) + "X9"
    assert secret not in redact(f"error: https://user:{secret}@example.com/repo.git failed")


def test_branch_subdir_and_name_validation():
    assert validate_branch("release/2024.1") == "release/2024.1"
    assert validate_branch(None) is None
    for bad in ("-x", "a..b", "x.lock", "a b", "a\nb", "/abs"):
        with pytest.raises(UnsafeURLError):
            validate_branch(bad)
    assert validate_subdir("/docs/runbooks/") == "docs/runbooks"
    assert validate_subdir(".") is None
    for bad in ("../etc", "a/../../b", "-x", "a\\b", "a:b", "a\x00b"):
        with pytest.raises(UnsafeURLError):
            validate_subdir(bad)
    assert validate_name("ops-eu.1") == "ops-eu.1"
    for bad in ("samples", "-x", "a/b", "", "x" * 65, "..", "a b"):
        with pytest.raises(UnsafeURLError):
            validate_name(bad)
