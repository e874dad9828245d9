"""rbdesk source add --allowed-signers / source set / sync --accept-rewind / status --json."""

from __future__ import annotations

import json

import pytest

from rbdesk.cli.main import main
from tests.core.sync.gitfixtures import Repo
from tests.core.sync.signfixtures import SshSigner, commit

RUNBOOK = {"a.md": "# A\n\n```\necho a\n```\n"}


@pytest.fixture()
def alice(tmp_path):
    return SshSigner(tmp_path / "keys", "alice@example.com")


@pytest.fixture()
def repo(tmp_path, alice):
    r = Repo(tmp_path / "src")
    commit(r, RUNBOOK, "signed first", ssh=alice)
    return r


@pytest.fixture()
def allowed(tmp_path, alice):
    path = tmp_path / "allowed_signers"
    path.write_text(alice.allowed_line())
    return path


def signature(capsys) -> dict:
    assert main(["status", "--json"]) == 0
    (st,) = json.loads(capsys.readouterr().out)["sources"]
    return st["signature"]


def test_signed_source_end_to_end(data_dir, repo, allowed, capsys):
    assert main(["source", "add", "ops", repo.url, "--allowed-signers", str(allowed)]) == 0
    out = capsys.readouterr().out
    assert f"added source 'ops' (git: {repo.url}, verify require)" in out
    assert main(["sync", "ops"]) == 0
    capsys.readouterr()
    good = repo.head()
    assert signature(capsys) == {
        "state": "good",
        "signer": "alice@example.com",
        "commit": good,
        "key": signature_key(data_dir),
        "reason": "",
        "policy": "require",
    }
    assert main(["status"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"ops · synced just now · commit {good[:7]} · signed by alice@example.com"

    tip = commit(repo, {**RUNBOOK, "b.md": "# B\n"}, "unsigned")
    assert main(["sync", "ops"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err  # ONE line
    assert err.startswith(f"ops: refused {tip[:7]} by Test <test@example.com>: not signed;")
    assert signature(capsys)["commit"] == good  # the last good snapshot stays

    assert main(["source", "set", "ops", "--verify", "warn"]) == 0
    assert "verify=warn" in capsys.readouterr().out
    assert main(["sync", "ops"]) == 0
    assert "published anyway (verify=warn)" in capsys.readouterr().out
    sig = signature(capsys)
    assert (sig["state"], sig["commit"], sig["policy"]) == ("unsigned", tip, "warn")

    repo.force_reset(good)
    assert main(["sync", "ops"]) == 1
    err = capsys.readouterr().err
    assert "history moved back" in err and "--accept-rewind" in err
    assert main(["sync", "--accept-rewind"]) == 2
    assert "needs the name" in capsys.readouterr().err
    assert main(["sync", "ops", "--accept-rewind"]) == 0
    capsys.readouterr()
    assert signature(capsys)["commit"] == good


def signature_key(data_dir) -> str:
    pointer = json.loads((data_dir / "sources" / "ops" / "current.json").read_text())
    return pointer["signature"]["key"]


def test_source_add_errors_are_one_clear_line(data_dir, repo, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.write_text("alice@example.com\n")
    assert main(["source", "add", "ops", repo.url, "--allowed-signers", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rbdesk: {broken}:1: no ssh public key on this line\n")
    assert "Traceback" not in err
    assert main(["source", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sources": []}
    assert main(["source", "add", "ops", repo.url]) == 0
    capsys.readouterr()
    assert main(["source", "set", "ops"]) == 2
    assert "nothing to change" in capsys.readouterr().err
    assert main(["source", "set", "nope", "--verify", "off"]) == 1
    assert "no source named 'nope'" in capsys.readouterr().err
    assert not (data_dir / "sources" / "nope").exists()
