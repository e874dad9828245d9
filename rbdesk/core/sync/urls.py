"""Source URL validation and credential redaction (pure functions, no git).

Every URL is checked here before it is stored and again before git runs.
Accepted forms: ``https://``, ``http://``, ``ssh://``, ``git://``, ``file://``,
scp-like ``user@host:path``, a local git repository path and a plain local
folder. Anything else -- ``ext::``/``fd::`` transports, leading dashes (option
injection), control characters, credentials embedded in the URL -- is refused
with a message that never repeats the secret.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from rbdesk.core.errors import RbdeskError

NETWORK_SCHEMES = ("https", "http", "ssh", "git")
CREDENTIAL_ADVICE = (
    "remove the credentials from the URL and use a git credential helper "
    "(`git config --global credential.helper ...`) or an ssh key"
)

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_TRANSPORT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
# scp-like: [user@]host:path with no slash before the colon.
_SCP_RE = re.compile(r"^(?:(?P<user>[^@/:\s]+)@)?(?P<host>[^@/:\s]+):(?P<path>.*)$")
# In free text (messages, git output): scheme://userinfo@ -- userinfo hidden.
_USERINFO_IN_TEXT_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^/@\s]+)@")
# scp-like user:secret@host without a scheme.
_SCP_SECRET_IN_TEXT_RE = re.compile(r"(?<![\w/:.@-])([^@\s/:'\"]+):([^@\s/'\"]+)@")
_HOST_RE = re.compile(r"^[A-Za-z0-9_.\[\]:-]+$")
_BRANCH_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/+-]*$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
RESERVED_NAMES = {"samples"}


class UnsafeURLError(RbdeskError):
    """A source URL (or branch/subdir/name) rbdesk refuses to hand to git."""


@dataclass(frozen=True, slots=True)
class SourceURL:
    """A validated source location."""

    url: str  # what git is given (local paths are absolute)
    transport: str  # "https", "http", "ssh", "git", "file" or "local"
    host: str  # for messages ("" for local sources)

    @property
    def is_local(self) -> bool:
        return self.transport in ("file", "local")


def redact(text: str) -> str:
    """Hide any user:password@ or token@ part of URLs inside text."""

    def _hide(m: re.Match[str]) -> str:
        scheme, userinfo = m.group(1), m.group(2)
        if ":" in userinfo or scheme.lower().startswith("http"):
            return f"{scheme}***@"
        return m.group(0)  # ssh://git@host is a user name, not a secret

    text = _USERINFO_IN_TEXT_RE.sub(_hide, text)
    return _SCP_SECRET_IN_TEXT_RE.sub(r"\1:***@", text)


def _has_control_chars(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def _refuse(message: str, hint: str = "") -> UnsafeURLError:
    return UnsafeURLError(
        message,
        hint=hint or "use https://, ssh://, git@host:path, git://, file:// or a local folder path",
    )


def _check_host(host: str, shown: str) -> None:
    if not host or host.startswith("-") or not _HOST_RE.match(host):
        raise _refuse(f"refused source URL {shown}: invalid host name {host!r}")


def validate_url(url: str, *, base_dir: Path | None = None) -> SourceURL:
    """The SourceURL for url, or UnsafeURLError (message safe to show)."""
    if not isinstance(url, str) or not url.strip():
        raise _refuse("refused source URL: it is empty")
    shown = redact(url)
    if _has_control_chars(url):
        raise _refuse(f"refused source URL {shown!r}: it contains control characters")
    if url != url.strip():
        raise _refuse(f"refused source URL {shown!r}: it has leading or trailing spaces")
    if url.startswith("-"):
        raise _refuse(f"refused source URL {shown}: it starts with '-' (option injection)")
    if _TRANSPORT_RE.match(url):
        kind = url.split("::", 1)[0]
        raise _refuse(f"refused source URL {shown}: the '{kind}::' transport runs commands")
    m = _SCHEME_RE.match(url)
    if m:
        return _validate_scheme_url(url, m.group(1).lower(), shown)
    if url.startswith(("/", "~", "./", "../")) or url in (".", ".."):
        return _validate_local(url, base_dir, shown)
    head = url.split("/", 1)[0]
    if "@" in head and ":" in head.rsplit("@", 1)[0]:
        raise _refuse(f"refused source URL {shown}: it contains a password", CREDENTIAL_ADVICE)
    scp = _SCP_RE.match(url)
    if scp:
        user, host, path = scp.group("user"), scp.group("host"), scp.group("path")
        if user and ":" in user:
            raise _refuse(f"refused source URL {shown}: it contains a password", CREDENTIAL_ADVICE)
        if user and user.startswith("-"):
            raise _refuse(f"refused source URL {shown}: invalid user name")
        _check_host(host, shown)
        if not path or path.startswith("-"):
            raise _refuse(f"refused source URL {shown}: invalid repository path")
        return SourceURL(url=url, transport="ssh", host=host)
    return _validate_local(url, base_dir, shown)


def _validate_scheme_url(url: str, scheme: str, shown: str) -> SourceURL:
    if scheme == "file":
        path = url[len("file://") :]
        if not path.startswith("/"):
            raise _refuse(f"refused source URL {shown}: file:// needs an absolute path")
        return SourceURL(url=url, transport="file", host="")
    if scheme not in NETWORK_SCHEMES:
        raise _refuse(f"refused source URL {shown}: unsupported scheme '{scheme}://'")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError as exc:
        raise _refuse(f"refused source URL {shown}: {exc}") from None
    if parts.password is not None or (scheme.startswith("http") and parts.username):
        raise _refuse(f"refused source URL {shown}: it contains credentials", CREDENTIAL_ADVICE)
    if parts.username and parts.username.startswith("-"):
        raise _refuse(f"refused source URL {shown}: invalid user name")
    _check_host(host, shown)
    if not parts.path or parts.path == "/":
        raise _refuse(f"refused source URL {shown}: it names no repository path")
    return SourceURL(url=url, transport=scheme, host=host)


def _validate_local(url: str, base_dir: Path | None, shown: str) -> SourceURL:
    path = Path(url).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    path = Path(_normalise(str(path)))
    if not path.is_dir():
        raise _refuse(
            f"refused source {shown}: not a URL and no such local folder",
            hint="give a URL (https://, ssh://, git@host:path, git://, file://) "
            "or an existing folder",
        )
    return SourceURL(url=str(path), transport="local", host="")


def _normalise(path: str) -> str:
    import os.path

    return os.path.normpath(path)


def validate_branch(branch: str | None) -> str | None:
    """A branch name safe for a refspec, or None."""
    if branch is None or branch == "":
        return None
    if (
        _has_control_chars(branch)
        or not _BRANCH_RE.match(branch)
        or ".." in branch
        or "//" in branch
        or branch.endswith((".lock", "/", "."))
    ):
        raise UnsafeURLError(
            f"refused branch name {branch!r}", hint="use a plain branch name such as main"
        )
    return branch


def validate_subdir(subdir: str | None) -> str | None:
    """A normalised relative POSIX folder inside the repository, or None."""
    if subdir is None:
        return None
    cleaned = subdir.strip().strip("/")
    if cleaned in ("", "."):
        return None
    parts = cleaned.split("/")
    if (
        _has_control_chars(cleaned)
        or "\\" in cleaned
        or cleaned.startswith("-")
        or any(p in ("", ".", "..") for p in parts)
        or ":" in cleaned
    ):
        raise UnsafeURLError(
            f"refused subdir {subdir!r}",
            hint="give a folder relative to the repository root, e.g. docs/runbooks",
        )
    return cleaned


MAX_DOCS_URL = 2048


def validate_docs_url(url: str | None) -> str | None:
    """A docs-site base URL (``https://runbooks.example.dev/``) normalised to end in ``/``.

    http(s) only, a host, no credentials, query or fragment, no control characters.
    """
    if url is None:
        return None
    from urllib.parse import urlsplit

    hint = "give the site's base URL, e.g. --docs-url https://runbooks.example.dev/"
    text = url.strip()
    if not text:
        return None
    if _has_control_chars(text) or len(text) > MAX_DOCS_URL:
        raise UnsafeURLError(f"refused docs URL {redact(text)!r}: control characters", hint=hint)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise UnsafeURLError(f"refused docs URL {redact(text)!r}: not a URL", hint=hint) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UnsafeURLError(
            f"refused docs URL {redact(text)!r}: it must start with https:// or http://",
            hint=hint,
        )
    if parts.username or parts.password:
        raise UnsafeURLError(f"refused docs URL {redact(text)}: it contains credentials", hint=hint)
    if parts.query or parts.fragment:
        raise UnsafeURLError(
            f"refused docs URL {text!r}: no ?query or #fragment in a base URL", hint=hint
        )
    _check_host(parts.hostname, text)
    host = parts.hostname.lower() + (f":{port}" if port else "")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{host}{path}"


def validate_name(name: str) -> str:
    """A source name usable as a folder name and on the command line."""
    if not isinstance(name, str) or not _NAME_RE.match(name) or name.lower() in RESERVED_NAMES:
        raise UnsafeURLError(
            f"invalid source name {name!r}",
            hint="use 1-64 letters, digits, '.', '_' or '-' (not 'samples'), e.g. ops",
        )
    return name
