"""Allowed signers of a source: the files rbdesk keeps, and git's verdict on a commit.

A source with a signer policy keeps its own copies under its folder::

    <data>/sources/<name>/signers/allowed_signers   ssh allowed_signers (may be empty)
    <data>/sources/<name>/signers/gnupg/            private GNUPGHOME: the given
                                                    public keys, ownertrust ultimate

The user's files are *copied* when the source is added (or ``rbdesk source set``):
the trust root of a source must not change because a file elsewhere was
edited, replaced or deleted; ``rbdesk doctor`` says when the original has
changed since. Verification is done by git itself (``git log -1 --format=%G?…``)
through the hardened runner, with every program and file option passed
explicitly and no user config read, so a user's ``gpg.program`` or
keyring never takes part.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbdesk.core import fsutil
from rbdesk.core.errors import ConfigError, RbdeskError
from rbdesk.core.library.signature import Signature
from rbdesk.core.sync.models import SyncFailure, _Target

if TYPE_CHECKING:
    from rbdesk.core.sync.git import GitRunner
    from rbdesk.core.sync.gitsession import _GitSession
    from rbdesk.core.sync.store import SourceConfig

SIGNERS_DIR = "signers"
MODES = ("require", "warn")
SSH_KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
_TOKEN_RE = re.compile(r'(?:[^\s"]|"[^"]*")+')
_FORMAT = "%G?%x00%GK%x00%GS%x00%GF%x00%an <%ae>"
_TOOL_TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class SignerFiles:
    """Where one source's copies of its signers live."""

    base: Path

    @classmethod
    def of(cls, source_dir: Path) -> SignerFiles:
        return cls(source_dir / SIGNERS_DIR)

    @property
    def allowed(self) -> Path:
        return self.base / "allowed_signers"

    @property
    def gnupghome(self) -> Path:
        return self.base / "gnupg"

    @property
    def gpg_copy(self) -> Path:
        """The armored keys as given (what the keyring was made from)."""
        return self.base / "gpg_keys.asc"

    def present(self) -> bool:
        return self.allowed.is_file() and self.gnupghome.is_dir()


@dataclass(frozen=True, slots=True)
class SignerEntry:
    principals: str
    key_type: str
    line: int


# -- ssh allowed_signers -------------------------------------------------------------------
def parse_allowed_signers(text: str, where: str) -> list[SignerEntry]:
    """The entries of an allowed_signers file; ConfigError naming file:line otherwise.

    Format (ssh-keygen(1), ALLOWED SIGNERS): ``PRINCIPALS [OPTIONS] KEYTYPE
    BASE64 [COMMENT]``; ``#`` comments and blank lines are ignored. The key's
    base64 must decode to a key of the named type, and a ``namespaces=``
    option must include ``git`` (else git can never accept that key).
    """
    entries: list[SignerEntry] = []
    fix = "use the format of git's gpg.ssh.allowedSignersFile: PRINCIPAL KEYTYPE KEY"
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = _TOKEN_RE.findall(line)
        at = next((i for i, t in enumerate(tokens) if i > 0 and _is_key_type(t)), None)
        if at is None or at + 1 >= len(tokens):
            raise ConfigError(f"{where}:{n}: no ssh public key on this line", hint=fix)
        if not _key_matches(tokens[at], tokens[at + 1]):
            raise ConfigError(
                f"{where}:{n}: the {tokens[at]} key is damaged (its base64 does not decode "
                "to that key type)",
                hint="copy the line again from the signer's .pub file",
            )
        for option in ",".join(tokens[1:at]).split(","):
            name, _, value = option.partition("=")
            if name.lower() == "namespaces" and "git" not in value.strip('"').split(","):
                raise ConfigError(
                    f"{where}:{n}: namespaces={value} does not include git: "
                    "this key can never verify a commit",
                    hint='add git to the list (namespaces="git") or remove the option',
                )
        entries.append(SignerEntry(tokens[0], tokens[at], n))
    if not entries:
        raise ConfigError(f"{where}: no allowed signer in this file", hint=fix)
    return entries


def _is_key_type(token: str) -> bool:
    return token in SSH_KEY_TYPES or token.endswith("-cert-v01@openssh.com")


def _key_matches(key_type: str, blob: str) -> bool:
    try:
        data = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(data) < 4:
        return False
    size = int.from_bytes(data[:4], "big")
    return data[4 : 4 + size] == key_type.encode()


def read_user_file(path: str | Path, what: str) -> bytes:
    """The bytes of a file the user named; RbdeskError (one line) when unreadable."""
    p = Path(path).expanduser()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RbdeskError(
            f"{what} {p}: cannot read it ({exc.strerror or exc})",
            hint="give the path of a readable file",
        ) from None
    if len(data) > 1 << 20:
        raise RbdeskError(f"{what} {p}: larger than 1 MiB; not a key file", hint="check the path")
    return data


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not a text file", hint="give the text key file") from None


# -- gpg keys --------------------------------------------------------------------------------
def gpg_program() -> str:
    found = shutil.which("gpg")
    if not found:
        raise RbdeskError(
            "gpg is not installed: --gpg-keys needs it",
            hint="install GnuPG (apt install gnupg) or use --allowed-signers with ssh keys",
        )
    return found


def _gpg(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GNUPGHOME", "GPG_AGENT_INFO")}
    env["LC_ALL"] = "C"
    argv = [gpg_program(), "--batch", "--no-tty", "--no-autostart", "--homedir", str(home), *args]
    try:
        return subprocess.run(
            argv, input=stdin, capture_output=True, timeout=_TOOL_TIMEOUT, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        raise RbdeskError("gpg did not answer within 60 s", hint="try again") from None


def gpg_key_ids(home: Path) -> list[tuple[str, str]]:
    """(fingerprint, first user id) of every public key in the keyring at home."""
    listing = _gpg(home, "--with-colons", "--list-keys").stdout.decode("utf-8", "replace")
    keys: list[tuple[str, str]] = []
    want_fpr = False
    for line in listing.splitlines():
        fields = line.split(":")
        if fields[0] == "pub":
            want_fpr = True
        elif fields[0] == "fpr" and want_fpr and len(fields) > 9:
            keys.append((fields[9], ""))
            want_fpr = False
        elif fields[0] == "uid" and keys and not keys[-1][1] and len(fields) > 9:
            keys[-1] = (keys[-1][0], fields[9])
    return keys


def _import_gpg_keys(data: bytes, where: str, home: Path) -> list[tuple[str, str]]:
    """Import armored public keys into a new keyring at home, every key trusted."""
    text = _text(data, where)
    if "-----BEGIN PGP PRIVATE KEY BLOCK-----" in text:
        raise ConfigError(
            f"{where}: holds a PRIVATE key; rbdesk needs only public keys",
            hint="export the public keys with: gpg --armor --export KEYID > keys.asc",
        )
    if "-----BEGIN PGP PUBLIC KEY BLOCK-----" not in text:
        raise ConfigError(
            f"{where}: not an armored public key (no BEGIN PGP PUBLIC KEY BLOCK line)",
            hint="export the keys with: gpg --armor --export KEYID > keys.asc",
        )
    home.mkdir(mode=0o700)
    result = _gpg(home, "--import", stdin=data)
    keys = gpg_key_ids(home)
    if not keys:
        said = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigError(
            f"{where}: gpg imported no key ({said[-1] if said else 'no message'})",
            hint="export the keys again with: gpg --armor --export KEYID > keys.asc",
        )
    trust = "".join(f"{fpr}:6:\n" for fpr, _uid in keys).encode()
    if _gpg(home, "--import-ownertrust", stdin=trust).returncode != 0:
        raise RbdeskError(f"gpg could not mark the keys of {where} as trusted", hint="try again")
    (home / "gpg.conf").write_text("no-autostart\n", encoding="utf-8")
    return keys


# -- installing the copies -------------------------------------------------------------------
def install(
    files: SignerFiles, allowed_signers: str | Path | None, gpg_keys: str | Path | None
) -> None:
    """Validate the user's files and replace the source's copies with them.

    With None for one kind, the existing copy of that kind is kept (an empty
    one is made when there is none). Built beside the old copies and swapped
    in by renames: a refused file changes nothing.
    """
    new_allowed: bytes | None = None
    if allowed_signers is not None:
        new_allowed = read_user_file(allowed_signers, "allowed signers file")
        parse_allowed_signers(_text(new_allowed, str(allowed_signers)), str(allowed_signers))
        if not shutil.which("ssh-keygen"):
            raise RbdeskError(
                "ssh-keygen is not installed: git needs it to verify ssh signatures",
                hint="install OpenSSH's client tools (apt install openssh-client)",
            )
    files.base.mkdir(parents=True, exist_ok=True)
    staged: Path | None = None
    try:
        if gpg_keys is not None:
            data = read_user_file(gpg_keys, "gpg keys file")
            staged = files.base / f".tmp-gnupg-{uuid.uuid4().hex[:8]}"
            _import_gpg_keys(data, str(gpg_keys), staged)
            fsutil.atomic_write_bytes(files.gpg_copy, data)
        if new_allowed is not None or not files.allowed.is_file():
            fsutil.atomic_write_bytes(files.allowed, new_allowed or b"")
        if staged is not None or not files.gnupghome.is_dir():
            if staged is None:
                staged = files.base / f".tmp-gnupg-{uuid.uuid4().hex[:8]}"
                staged.mkdir(mode=0o700)
            _swap_dir(staged, files.gnupghome)
            staged = None
    finally:
        if staged is not None:
            shutil.rmtree(staged, ignore_errors=True)


def install_policy(
    data_dir: Path,
    source: SourceConfig,
    allowed_signers: str | None,
    gpg_keys: str | None,
    verify: str,
) -> None:
    """Copy the signer files into source's folder and set its verify mode (in source)."""
    from rbdesk.core.sync.store import SourcePaths

    if verify not in MODES:
        raise RbdeskError(f"--verify {verify!r}: expected require or warn", hint="use require")
    if source.kind != "git":
        raise RbdeskError(
            f"{source.url} is a plain folder: it has no commits, so nothing can be verified",
            hint="sign a git repository's commits and add that repository instead",
        )
    files = SignerFiles.of(SourcePaths.of(data_dir, source.name).base)
    if not (allowed_signers or gpg_keys or files.present()):
        raise RbdeskError(
            "--verify needs signers: give --allowed-signers FILE and/or --gpg-keys FILE",
            hint="an allowed_signers file lists PRINCIPAL KEYTYPE KEY per line",
        )
    install(files, allowed_signers, gpg_keys)
    source.verify = verify
    if allowed_signers:
        source.allowed_signers = str(Path(allowed_signers).expanduser().resolve())
    if gpg_keys:
        source.gpg_keys = str(Path(gpg_keys).expanduser().resolve())


def _swap_dir(new: Path, final: Path) -> None:
    old = final.parent / f".trash-gnupg-{uuid.uuid4().hex[:8]}"
    if final.exists():
        os.rename(final, old)
    os.rename(new, final)
    shutil.rmtree(old, ignore_errors=True)


# -- rbdesk doctor -----------------------------------------------------------------------------
def ssh_keygen_problem() -> str:
    """Why ssh-keygen cannot verify git's ssh signatures ("" when it can)."""
    if not shutil.which("ssh-keygen"):
        return "ssh-keygen is not installed"
    try:
        probe = subprocess.run(
            ["ssh-keygen", "-Y", "check-novalidate", "-n", "git", "-s", os.devnull],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=_TOOL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"ssh-keygen does not run ({exc})"
    said = probe.stderr.decode("utf-8", "replace").lower()
    if any(w in said for w in ("illegal option", "unknown option", "invalid option")):
        return "ssh-keygen is too old to verify signatures (-Y needs OpenSSH 8.2+)"
    return ""


def check(files: SignerFiles, source: SourceConfig) -> list[tuple[str, str, str]]:
    """(status "ok"/"warning"/"error", detail, fix) of a source's signer copies."""
    fix_set = f"rbdesk source set {source.name} --allowed-signers FILE (or --gpg-keys FILE)"
    if not files.present():
        return [("error", f"signer files missing from {files.base}", fix_set)]
    out: list[tuple[str, str, str]] = []
    found: list[str] = []
    try:
        text = files.allowed.read_text(encoding="utf-8")
        entries = parse_allowed_signers(text, str(files.allowed)) if text.strip() else []
    except (OSError, UnicodeDecodeError, ConfigError) as exc:
        out.append(("error", f"allowed signers unusable: {getattr(exc, 'message', exc)}", fix_set))
        entries = []
    if entries:
        found.append(f"{len(entries)} ssh signer(s): {', '.join(e.principals for e in entries)}")
        if problem := ssh_keygen_problem():
            out.append(("error", problem, "install OpenSSH's client (apt install openssh-client)"))
    if files.gpg_copy.is_file():
        if not shutil.which("gpg"):
            out.append(("error", "gpg is not installed", "install GnuPG (apt install gnupg)"))
        elif keys := gpg_key_ids(files.gnupghome):
            found.append(f"{len(keys)} gpg key(s): {', '.join(u or f for f, u in keys)}")
        else:
            out.append(("error", f"no key in the keyring {files.gnupghome}", fix_set))
    if not found and not out:
        out.append(("error", "no signer keys: every tip would be refused", fix_set))
    for copy, original, option in (
        (files.allowed, source.allowed_signers, "--allowed-signers"),
        (files.gpg_copy, source.gpg_keys, "--gpg-keys"),
    ):
        if original and _differs(Path(original), copy):
            out.append(
                (
                    "warning",
                    f"{original} changed since it was copied (the copy is still used)",
                    f"rbdesk source set {source.name} {option} {original}",
                )
            )
    if found and not any(status == "error" for status, _d, _f in out):
        out.insert(0, ("ok", f"verify={source.policy}: {'; '.join(found)}", ""))
    return out


def _differs(original: Path, copy: Path) -> bool:
    try:
        return original.read_bytes() != copy.read_bytes()
    except OSError:
        return False  # the original was removed: the copy is what counts


# -- verification ---------------------------------------------------------------------------
def verify_args(files: SignerFiles) -> list[str]:
    """git options that make verification use only this source's copies."""
    return [
        "-c",
        f"gpg.ssh.allowedSignersFile={files.allowed}",
        "-c",
        "gpg.ssh.program=ssh-keygen",
        "-c",
        "gpg.program=gpg",
        "-c",
        "gpg.x509.program=gpgsm",
        "-c",
        "log.showSignature=false",
    ]


def verify_commit(
    runner: GitRunner, mirror: Path, commit: str, files: SignerFiles, policy: str
) -> tuple[Signature, str]:
    """(git's verdict on commit, its author "Name <email>") under policy."""
    env = {"GNUPGHOME": str(files.gnupghome), "GIT_CONFIG_GLOBAL": os.devnull}
    out = runner.run(
        [*verify_args(files), "log", "-1", f"--format={_FORMAT}", commit, "--"],
        cwd=mirror,
        extra_env=env,
        local=True,
    ).stdout.decode("utf-8", "replace")
    letter, key, signer, fpr, author = (out.rstrip("\n").split("\0") + [""] * 5)[:5]
    return verdict(letter, key, signer, fpr, commit, policy), _plain(author)


def verdict(letter: str, key: str, signer: str, fpr: str, commit: str, policy: str) -> Signature:
    """The Signature for git's ``%G?`` letter and key fields."""
    key_id = fpr or key or None
    shown = key_id or "unknown key"
    if letter == "G":
        return Signature("good", _principal(signer), commit, key_id, "", policy)
    if letter == "N":
        return Signature("unsigned", None, commit, None, "not signed", policy)
    if letter == "B":
        reason = "bad signature: the commit was changed after it was signed"
        return Signature("bad", None, commit, key_id, reason, policy)
    reasons = {
        "U": f"signed with key {shown}, which is not an allowed signer",
        "X": "the signature has expired",
        "Y": f"signed with an expired key ({shown})",
        "R": f"signed with a revoked key ({shown})",
        "E": f"the signature cannot be checked: {_why_unchecked(key_id)}",
    }
    reason = reasons.get(letter, f"signature not accepted by git ({letter or 'no answer'})")
    return Signature("untrusted", None, commit, key_id, reason, policy)


def _why_unchecked(key: str | None) -> str:
    """Why git answered E (cannot check): the tool it needs, or an unknown key."""
    tool = "ssh-keygen" if (key or "").startswith("SHA256:") else "gpg"
    if not shutil.which(tool):
        return f"{tool} is not installed"
    return f"key {key or 'unknown'} is not among this source's signers"


def _principal(signer: str) -> str | None:
    """'alice@example.com' from an ssh principal or a gpg user id 'Alice <alice@…>'."""
    m = re.search(r"<([^<>\s]+@[^<>\s]+)>", signer)
    return _plain(m.group(1) if m else signer) or None


def _plain(text: str) -> str:
    """Text from a commit made safe for one line: no control characters, 80 at most."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return cleaned if len(cleaned) <= 80 else cleaned[:79] + "…"


# -- the policy at sync time -----------------------------------------------------------------
def check_tip(
    session: _GitSession,
    source: SourceConfig,
    pointer: dict[str, Any] | None,
    target: _Target,
    accept_rewind: bool,
) -> Signature | None:
    """Apply the source's signer policy to the tip about to be published.

    None when the source has no policy. Under ``require`` a tip that is not
    signed by an allowed signer raises SyncFailure (one line: short commit,
    author, reason); under ``warn`` it is published with a notice. Under any
    policy a tip older than the published commit (a rollback) raises
    SyncFailure unless ``accept_rewind``.
    """
    policy = source.policy
    if policy == "off":
        return None
    previous = pointer.get("commit") if pointer else None
    kept = (
        f"the previous snapshot ({previous[:7]}) stays current"
        if previous
        else "nothing was published"
    )
    files = SignerFiles.of(session.mirror.parent)
    if not files.present():
        raise SyncFailure(
            "signers_missing",
            f"refused {target.commit[:7]}: the signer files of source {source.name!r} are "
            f"missing ({files.base}); {kept}; run `rbdesk source set {source.name} "
            "--allowed-signers FILE` (or --gpg-keys FILE)",
        )
    sig, author = verify_commit(session.runner, session.mirror, target.commit, files, policy)
    who = f"{target.commit[:7]} by {author or 'unknown author'}"
    if sig.state != "good" and policy == "require":
        raise SyncFailure("signature", f"refused {who}: {sig.reason}; {kept}")
    previous_date = pointer.get("commit_date") if pointer else None
    if not accept_rewind and session.rewound(previous, previous_date, target):
        raise SyncFailure(
            "rewind",
            f"refused {who}: it is older than the current commit {(previous or '')[:7]} "
            f"(the history moved back); {kept}; if that is intended, run "
            f"`rbdesk sync {source.name} --accept-rewind`",
        )
    if sig.state != "good":
        target.notices += (f"published anyway (verify=warn): {who}: {sig.reason}",)
    return sig
