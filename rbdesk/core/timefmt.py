"""Times in words, one wording everywhere: "just now", "5 min ago", "3 h ago", "2 d ago".

Foundation module (no rbdesk imports): sync's freshness line, the reader's
header card, the status bar and run timelines all say an age the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime


def parse_iso(value: object) -> datetime | None:
    """An aware datetime from an ISO 8601 string (naive means UTC, ``Z`` accepted), or None."""
    if not value or not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def humanize_age(seconds: float) -> str:
    """'just now', '5 min ago', '3 h ago' (up to 47 h), '2 d ago'; future times read 'just now'."""
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = int(seconds // 3600)
    if hours < 48:
        return f"{hours} h ago"
    return f"{int(seconds // 86400)} d ago"


def age_seconds(value: object, now: datetime | None = None) -> float | None:
    """Seconds since an ISO 8601 time (None when it cannot be read)."""
    dt = parse_iso(value)
    if dt is None:
        return None
    return ((now or datetime.now(UTC)) - dt).total_seconds()


def time_ago(value: object, now: datetime | None = None) -> str:
    """'3 h ago' for an ISO 8601 timestamp ('' when it cannot be read)."""
    age = age_seconds(value, now)
    return "" if age is None else humanize_age(age)


def local_time(value: object, with_date: bool = False) -> str:
    """A UTC timestamp as local 'HH:MM:SS' (or 'YYYY-MM-DD HH:MM'); '' if unreadable."""
    dt = parse_iso(value)
    if dt is None:
        return ""
    dt = dt.astimezone()
    return dt.strftime("%Y-%m-%d %H:%M") if with_date else dt.strftime("%H:%M:%S")
