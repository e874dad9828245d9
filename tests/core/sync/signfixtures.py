"""Signed commits made in the test: ssh keys from ssh-keygen, gpg keys in a temp GNUPGHOME.

Every git and gpg command runs with a clean HOME and no global git config, so
nothing of the machine's user takes part.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .gitfixtures import GIT_ENV, Repo


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed: signed-commit tests need it")
    return found


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GNUPG"))}
    return {**env, **GIT_ENV, "HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull, **extra}


class SshSigner:
    """An ed25519 key made by ssh-keygen, and its allowed_signers line."""

    def __init__(self, folder: Path, principal: str) -> None:
        need("ssh-keygen")
        folder.mkdir(parents=True, exist_ok=True)
        self.principal = principal
        self.key = folder / principal.replace("@", "_at_")
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", str(self.key)],
            check=True,
            capture_output=True,
        )

    @property
    def public(self) -> tuple[str, str]:
        kind, blob = Path(f"{self.key}.pub").read_text().split()[:2]
        return kind, blob

    def allowed_line(self) -> str:
        kind, blob = self.public
        return f"{self.principal} {kind} {blob}\n"


class GpgSigner:
    """A gpg key generated in its own temp GNUPGHOME (agent killed at close)."""

    def __init__(self, folder: Path, uid: str) -> None:
        need("gpg")
        self.home = folder
        folder.mkdir(mode=0o700, parents=True)
        self.uid = uid
        self._gpg("--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never")

    def _gpg(self, *args: str) -> bytes:
        return subprocess.run(
            ["gpg", "--batch", "--homedir", str(self.home), *args],
            check=True,
            capture_output=True,
            env=clean_env(self.home),
        ).stdout

    def export(self, path: Path) -> Path:
        path.write_bytes(self._gpg("--armor", "--export", self.uid))
        return path

    def close(self) -> None:
        subprocess.run(
            ["gpgconf", "--homedir", str(self.home), "--kill", "all"],
            capture_output=True,
            check=False,
        )


def commit(
    repo: Repo,
    files: dict[str, str],
    message: str,
    *,
    ssh: SshSigner | None = None,
    gpg: GpgSigner | None = None,
    when: str | None = None,
) -> str:
    """Make the tree exactly files and commit it (signed by ssh or gpg when given)."""
    for entry in repo.path.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for rel, content in files.items():
        p = repo.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
    sign: list[str] = []
    extra: dict[str, str] = {}
    if ssh is not None:
        sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={ssh.key}"]
    elif gpg is not None:
        sign = ["-c", "gpg.format=openpgp", "-c", f"user.signingkey={gpg.uid}"]
        extra["GNUPGHOME"] = str(gpg.home)
    if when is not None:
        extra.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    env = clean_env(repo.path, **extra)
    run = ["git", "-C", str(repo.path)]
    subprocess.run([*run, "add", "-A"], check=True, env=env, capture_output=True)
    subprocess.run(
        [*run, *sign, "commit", "-q", "--allow-empty", *(["-S"] if sign else []), "-m", message],
        check=True,
        env=env,
        capture_output=True,
    )
    return repo.head()


def tampered(repo: Repo, commit_id: str) -> str:
    """A copy of a signed commit whose message was changed after signing (the branch
    is moved to it): its signature no longer matches."""
    env = clean_env(repo.path)
    raw = subprocess.run(
        ["git", "-C", str(repo.path), "cat-file", "commit", commit_id],
        check=True,
        capture_output=True,
        env=env,
    ).stdout
    head, sep, body = raw.partition(b"\n\n")
    forged = (
        subprocess.run(
            ["git", "-C", str(repo.path), "hash-object", "-t", "commit", "-w", "--stdin"],
            input=head + sep + body.replace(b"\n", b" (edited)\n", 1),
            check=True,
            capture_output=True,
            env=env,
        )
        .stdout.decode()
        .strip()
    )
    repo.force_reset(forged)
    return forged
