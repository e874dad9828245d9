"""How fresh a source is, in words ("synced 3 h ago"); pure, shared by CLI and GUI."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from rbdesk.core.library.signature import Signature
from rbdesk.core.timefmt import age_seconds, humanize_age


def synced_phrase(synced_at: str | None, now: datetime | None = None) -> str:
    """'synced 3 h ago' or 'never synced'."""
    age = age_seconds(synced_at, now)
    return "never synced" if age is None else f"synced {humanize_age(max(age, 0.0))}"


def is_stale(synced_at: str | None, stale_hours: float, now: datetime | None = None) -> bool:
    """True when the last successful sync is older than stale_hours (or never happened)."""
    age = age_seconds(synced_at, now)
    return age is None or age > stale_hours * 3600


def signature_phrase(stored: dict[str, Any] | None) -> str:
    """What the status line says of a source's signature: 'signed by alice@example.com',
    'unsigned', 'not verifiable' (plain folder); "" when no signer policy applies."""
    sig = Signature.from_dict(stored)
    if sig is None or (sig.state == "off" and sig.phrase != "not verifiable"):
        return ""
    return sig.phrase


def signature_warns(stored: dict[str, Any] | None) -> bool:
    sig = Signature.from_dict(stored)
    return sig is not None and sig.warn


def status_line(
    name: str,
    synced_at: str | None,
    commit: str | None,
    last_error: str | None,
    *,
    stale: bool = False,
    now: datetime | None = None,
    signature: str = "",
) -> str:
    """'ops · synced 3 h ago · commit abc1234 · signed by alice@example.com · offline: …'."""
    parts = [name, synced_phrase(synced_at, now)]
    if commit:
        parts.append(f"commit {commit[:7]}")
    if signature:
        parts.append(signature)
    if stale and synced_at:
        parts.append("stale")
    if last_error:
        parts.append(last_error)
    return " · ".join(parts)


class _Status(Protocol):
    """What :func:`sync_line` reads of a ``models.SourceStatus``."""

    @property
    def name(self) -> str: ...
    @property
    def commit(self) -> str | None: ...
    @property
    def synced_at(self) -> str | None: ...
    @property
    def last_attempt_at(self) -> str | None: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def stale(self) -> bool: ...


SAMPLES_LINE = ("samples · bundled sample library (no source yet)", "samples")
_STATE_RANK = {"samples": -1, "ok": 0, "stale": 1, "offline": 2, "failed": 3}
# Failure kinds that mean "could not reach it": the line says offline. Any other
# failure names itself (a corrupt remote is not a lost connection).
OFFLINE_KINDS = frozenset({"network", "dns", "stalled", "connection_lost"})
# Failure kinds of a tip refused by the signer policy (core/sync/signers.py).
REFUSALS = ("signature", "rewind", "signers_missing")
_FAILED_WORDS = {
    "auth": "sign-in failed",
    "remote_corrupt": "remote repository corrupted",
    "corrupt": "local copy damaged",
    "disk_full": "disk full",
    "branch_not_found": "branch not found",
    "subdir_not_found": "folder not found",
    "not_a_repo": "not a git repository",
}


def failure_word(kind: str | None) -> tuple[str, str]:
    """(state, words) for the sync line of a source whose last attempt failed."""
    if kind is None or kind in OFFLINE_KINDS:  # None: a state file older than kinds
        return "offline", "offline"
    if kind in REFUSALS:
        return "failed", "refused"
    return "failed", f"sync failed: {_FAILED_WORDS.get(kind, 'see the tooltip')}"


def is_offline(synced_at: str | None, last_attempt_at: str | None, last_error: str | None) -> bool:
    """The newest sync attempt failed: the copy shown is the last good one (or none)."""
    return bool(last_error) and (not synced_at or (last_attempt_at or "") > synced_at)


SEPARATOR = "   |   "


def sync_parts(statuses: Iterable[_Status], now: datetime | None = None) -> list[tuple[str, str]]:
    """(text, state) per source: what :func:`sync_line` joins (the GUI colours each)."""
    parts: list[tuple[str, str]] = []
    for st in statuses:
        commit = (st.commit or "")[:7]
        age = age_seconds(st.synced_at, now)
        synced = "" if age is None else f"synced {humanize_age(max(age, 0.0))}"
        if is_offline(st.synced_at, st.last_attempt_at, st.last_error):
            state, words = failure_word(getattr(st, "last_error_kind", None))
            if synced or commit:
                text = f"{st.name} · {words} — showing last good copy ({synced}"
                text += f" · {commit})" if commit else ")"
            else:
                text = f"{st.name} · {words} — no copy yet"
        else:
            state = "stale" if st.stale or not synced else "ok"
            text = f"{st.name} · {synced or 'never synced'}"
            text += f" · {commit}" if commit else ""
        stored = getattr(st, "signature", None)
        signed = signature_phrase(stored)
        if signed:
            text += f" · {signed}"
            if signature_warns(stored) and state == "ok":
                state = "stale"  # warning colour: verify=warn published it unsigned/untrusted
        parts.append((text, state))
    return parts


def compact_parts(
    statuses: Iterable[_Status], now: datetime | None = None
) -> list[tuple[str, str]]:
    """:func:`sync_parts` with three or more sources: the healthy ones as one part
    ("3 sources synced 9 min ago"), every failing or never-synced one on its own,
    so the status bar keeps room for its messages (the tooltip lists every source)."""
    statuses = list(statuses)
    parts = sync_parts(statuses, now)
    ages = [age_seconds(st.synced_at, now) for st in statuses]
    good = [
        i for i, (_, state) in enumerate(parts) if state in ("ok", "stale") and ages[i] is not None
    ]
    if len(parts) <= 2 or len(good) < 2:
        return parts
    oldest = humanize_age(max(0.0, *(ages[i] for i in good)))
    state = worst_state(parts[i][1] for i in good)
    merged = (f"{len(good)} sources synced, oldest {oldest}", state)
    return [merged] + [p for i, p in enumerate(parts) if i not in good]


def worst_state(states: Iterable[str]) -> str:
    return max(states, key=_STATE_RANK.__getitem__, default="samples")


def sync_line(statuses: Iterable[_Status], now: datetime | None = None) -> tuple[str, str]:
    """The GUI's one-line sync state of every source, and the worst state of them.

    'ops · synced 3 h ago · abc1234   |   docs · offline — showing last good copy
    (synced 2 d ago · def5678)'; the state is ok, stale, offline (could not
    reach it) or failed (any other failure, named: "sync failed: remote
    repository corrupted"). Without sources, :data:`SAMPLES_LINE`.
    """
    parts = sync_parts(statuses, now)
    if not parts:
        return SAMPLES_LINE
    return SEPARATOR.join(t for t, _ in parts), worst_state(s for _, s in parts)
