"""Freshness wording shared by CLI and GUI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rbdesk.core.sync.freshness import humanize_age, is_stale, status_line

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "just now"),
        (59, "just now"),
        (60, "1 min ago"),
        (3599, "59 min ago"),
        (3 * 3600 + 5, "3 h ago"),
        (47 * 3600, "47 h ago"),
        (3 * 86400, "3 d ago"),
    ],
)
def test_humanize_age(seconds, text):
    assert humanize_age(seconds) == text


def test_status_line_reads_like_the_spec():
    synced = (NOW - timedelta(hours=3, minutes=10)).isoformat()
    line = status_line(
        "ops", synced, "abc1234def", "offline: could not reach git.example.com", now=NOW
    )
    assert (
        line == "ops · synced 3 h ago · commit abc1234 · offline: could not reach git.example.com"
    )
    assert status_line("ops", None, None, None, now=NOW) == "ops · never synced"
    old = (NOW - timedelta(days=2)).isoformat()
    assert status_line("ops", old, "abc1234", None, stale=True, now=NOW) == (
        "ops · synced 2 d ago · commit abc1234 · stale"
    )


def test_is_stale():
    assert is_stale(None, 24, NOW)
    assert not is_stale((NOW - timedelta(hours=23)).isoformat(), 24, NOW)
    assert is_stale((NOW - timedelta(hours=25)).isoformat(), 24, NOW)
    assert is_stale("2024-04-30T10:00:00Z", 24, NOW)


def _status(name, synced_at, last_attempt_at=None, last_error=None, stale=False, commit="abc1234d"):
    from rbdesk.core.sync import SourceStatus

    return SourceStatus(
        name, "u", "main", commit, None, None, synced_at, last_attempt_at, last_error, 1, stale
    )


def test_sync_line_states_worst_wins():
    from rbdesk.core.sync.freshness import SAMPLES_LINE, sync_line

    fresh = (NOW - timedelta(minutes=5)).isoformat()
    old = (NOW - timedelta(days=2)).isoformat()
    later = (NOW - timedelta(minutes=1)).isoformat()
    assert sync_line([_status("ops", fresh)], NOW) == ("ops · synced 5 min ago · abc1234", "ok")
    assert sync_line([_status("ops", old, stale=True)], NOW)[1] == "stale"
    assert sync_line([_status("ops", None, commit=None)], NOW) == ("ops · never synced", "stale")
    text, state = sync_line(
        [_status("ops", fresh), _status("docs", old, later, "network down")], NOW
    )
    assert state == "offline"
    assert text == (
        "ops · synced 5 min ago · abc1234   |   "
        "docs · offline — showing last good copy (synced 2 d ago · abc1234)"
    )
    # an old error followed by a good sync is not offline
    assert sync_line([_status("ops", fresh, old, "network down")], NOW)[1] == "ok"
    assert sync_line([_status("ops", None, later, "dns", commit=None)], NOW) == (
        "ops · offline — no copy yet",
        "offline",
    )
    assert sync_line([], NOW) == SAMPLES_LINE


def test_sync_line_names_a_failure_that_is_not_offline():
    from dataclasses import replace

    from rbdesk.core.sync.freshness import sync_line

    old = (NOW - timedelta(days=2)).isoformat()
    later = (NOW - timedelta(minutes=1)).isoformat()
    bad = replace(
        _status("ops", None, later, "corrupt", commit=None), last_error_kind="remote_corrupt"
    )
    assert sync_line([bad], NOW) == (
        "ops · sync failed: remote repository corrupted — no copy yet",
        "failed",
    )
    kept = replace(_status("ops", old, later, "x"), last_error_kind="remote_corrupt")
    text, state = sync_line([kept], NOW)
    assert state == "failed" and text.endswith(
        "— showing last good copy (synced 2 d ago · abc1234)"
    )
    lost = replace(_status("ops", old, later, "x"), last_error_kind="connection_lost")
    assert sync_line([lost], NOW)[0].startswith("ops · offline — showing last good copy")


def test_compact_parts_keeps_failures_and_merges_three_healthy_sources():
    from dataclasses import replace

    from rbdesk.core.sync.freshness import compact_parts, sync_parts

    fresh = (NOW - timedelta(minutes=5)).isoformat()
    old = (NOW - timedelta(hours=3)).isoformat()
    later = (NOW - timedelta(minutes=1)).isoformat()
    bad = replace(_status("x", None, later, "e", commit=None), last_error_kind="remote_corrupt")
    two = [_status("a", fresh), _status("b", old)]
    assert compact_parts(two, NOW) == sync_parts(two, NOW)  # two sources: as they are
    parts = compact_parts([*two, _status("c", fresh), bad], NOW)
    assert parts == [
        ("3 sources synced, oldest 3 h ago", "ok"),
        ("x · sync failed: remote repository corrupted — no copy yet", "failed"),
    ]
    stale = compact_parts([*two, _status("c", old, stale=True)], NOW)
    assert stale == [("3 sources synced, oldest 3 h ago", "stale")]
