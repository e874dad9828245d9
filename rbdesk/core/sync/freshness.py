"""How fresh a source is, in words ("synced 3 h ago"); pure, shared by CLI and GUI."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_iso(value: str | None) -> datetime | None:
    """An aware datetime from an ISO 8601 string (naive means UTC), or None."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def humanize_age(seconds: float) -> str:
    """'just now', '5 min ago', '3 h ago', '2 d ago' (future times read 'just now')."""
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = int(seconds // 3600)
    if hours < 48:
        return f"{hours} h ago"
    return f"{int(seconds // 86400)} d ago"


def age_seconds(value: str | None, now: datetime | None = None) -> float | None:
    dt = parse_iso(value)
    if dt is None:
        return None
    return ((now or datetime.now(UTC)) - dt).total_seconds()


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
