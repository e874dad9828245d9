"""How fresh a source is, in words ("synced 3 h ago"); pure, shared by CLI and GUI."""

from __future__ import annotations

from datetime import datetime

from rbdesk.core.timefmt import age_seconds, humanize_age


def synced_phrase(synced_at: str | None, now: datetime | None = None) -> str:
    """'synced 3 h ago' or 'never synced'."""
    age = age_seconds(synced_at, now)
    return "never synced" if age is None else f"synced {humanize_age(max(age, 0.0))}"


def is_stale(synced_at: str | None, stale_hours: float, now: datetime | None = None) -> bool:
    """True when the last successful sync is older than stale_hours (or never happened)."""
    age = age_seconds(synced_at, now)
    return age is None or age > stale_hours * 3600


def status_line(
    name: str,
    synced_at: str | None,
    commit: str | None,
    last_error: str | None,
    *,
    stale: bool = False,
    now: datetime | None = None,
) -> str:
    """'ops · synced 3 h ago · commit abc1234 · offline: could not reach git.example.com'."""
    parts = [name, synced_phrase(synced_at, now)]
    if commit:
        parts.append(f"commit {commit[:7]}")
    if stale and synced_at:
        parts.append("stale")
    if last_error:
        parts.append(last_error)
    return " · ".join(parts)
