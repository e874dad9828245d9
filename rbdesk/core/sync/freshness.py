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
_STATE_RANK = {"ok": 0, "stale": 1, "offline": 2}
# Failure kinds of a tip refused by the signer policy (core/sync/signers.py).
REFUSALS = ("signature", "rewind", "signers_missing")


def is_offline(synced_at: str | None, last_attempt_at: str | None, last_error: str | None) -> bool:
    """The newest sync attempt failed: the copy shown is the last good one (or none)."""
    return bool(last_error) and (not synced_at or (last_attempt_at or "") > synced_at)


def sync_line(statuses: Iterable[_Status], now: datetime | None = None) -> tuple[str, str]:
    """The GUI's one-line sync state of every source, and the worst state of them.

    'ops · synced 3 h ago · abc1234   |   docs · offline — showing last good copy
    (synced 2 d ago · def5678)'; the state is ok, stale or offline. Without
    sources, :data:`SAMPLES_LINE`.
    """
    parts: list[str] = []
    worst = "ok"
    for st in statuses:
        commit = (st.commit or "")[:7]
        age = age_seconds(st.synced_at, now)
        synced = "" if age is None else f"synced {humanize_age(max(age, 0.0))}"
        if is_offline(st.synced_at, st.last_attempt_at, st.last_error):
            state = "offline"
            word = "refused" if getattr(st, "last_error_kind", None) in REFUSALS else "offline"
            text = f"{st.name} · {word} — showing last good copy ({synced or 'no copy yet'}"
            text += f" · {commit})" if commit else ")"
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
        parts.append(text)
        if _STATE_RANK[state] > _STATE_RANK[worst]:
            worst = state
    if not parts:
        return SAMPLES_LINE
    return "   |   ".join(parts), worst
