"""One wording for ages: the reader, the status bar and sync's freshness line agree."""

import datetime as dt

import pytest

from rbdesk.core.sync.freshness import synced_phrase
from rbdesk.core.timefmt import local_time, parse_iso, time_ago

NOW = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)


def test_time_ago():
    assert time_ago("2025-01-01T09:00:00Z", NOW) == "3 h ago"
    assert time_ago("2024-12-30T12:00:00+00:00", NOW) == "2 d ago"
    assert time_ago("2025-01-01T11:59:30Z", NOW) == "just now"
    assert time_ago("2025-01-01T13:00:00Z", NOW) == "just now"  # clock skew: never negative
    assert time_ago("garbage", NOW) == ""
    assert time_ago(5, NOW) == ""  # a non-string from a corrupt state file


@pytest.mark.parametrize("hours", [1, 23, 24, 30, 47, 48, 72])
def test_reader_and_sync_line_agree(hours):
    """Before the fold, the reader said '1 d ago' where sync said '30 h ago'."""
    iso = (NOW - dt.timedelta(hours=hours)).isoformat()
    assert synced_phrase(iso, NOW) == f"synced {time_ago(iso, NOW)}"
    assert time_ago(iso, NOW) == (f"{hours} h ago" if hours < 48 else f"{hours // 24} d ago")


def test_parse_iso_and_local_time():
    assert parse_iso("2025-01-01T09:00:00") == dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)
    assert parse_iso(None) is None and parse_iso("") is None and parse_iso(["x"]) is None
    local = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC).astimezone()
    assert local_time("2025-01-01T09:00:00Z") == local.strftime("%H:%M:%S")
    assert local_time("2025-01-01T09:00:00Z", True) == local.strftime("%Y-%m-%d %H:%M")
    assert local_time("nope") == "" and local_time(None) == ""
