"""Header field normalisation."""

import datetime as dt

import pytest

from rbdesk.core.runbook.meta import (
    MetaBuilder,
    header_pairs,
    is_placeholder,
    normalize_date,
    snake_key,
    split_list,
)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2026-09-30 14:05", "2026-09-30"),
        ("2026/09/30", "2026-09-30"),
        ("2026-09-30T14:05:00Z", "2026-09-30"),
        ("30 Sep 2026", "2026-09-30"),
        ("September 3, 2026", "2026-09-03"),
        (dt.date(2026, 1, 2), "2026-01-02"),
        (dt.datetime(2026, 1, 2, 3, 4), "2026-01-02"),
        ("YYYY-MM-DD", None),
        ("never", None),
        ("2026-02-30", None),
    ],
)
def test_normalize_date(raw, iso):
    assert normalize_date(raw) == iso


@pytest.mark.parametrize(
    ("key", "snake"),
    [
        ("Last Tested", "last_tested"),
        ("Service Owner", "service_owner"),
        ("On-Call", "on_call"),
        ("Response Time", "response_time"),
        ("lastTested", "last_tested"),
        ("Author", "authors"),
        ("Some Custom Key", "some_custom_key"),
    ],
)
def test_snake_key(key, snake):
    assert snake_key(key) == snake


def test_placeholders_are_not_values():
    assert is_placeholder("[Team/Person]")
    assert is_placeholder("YYYY-MM-DD")
    assert is_placeholder("<owner>")
    assert not is_placeholder("Backend Team")


def test_lists_from_comma_line_or_yaml():
    assert split_list("Ana Ruiz, Tom Becker") == ["Ana Ruiz", "Tom Becker"]
    assert split_list(["redis", "#cache", "redis"]) == ["redis", "cache"]


def test_header_pairs_bold_always_plain_only_in_pure_blocks():
    assert header_pairs(["**Owner:** SRE", "**Severity**: High"]) == [
        (0, "Owner", "SRE"),
        (1, "Severity", "High"),
    ]
    assert header_pairs(["Category: Incident", "Owner: Backend"]) is not None
    assert header_pairs(["Note: we do this because", "of reasons"]) is None
    mixed = header_pairs(
        ["**Owner:** SRE", "Category: Incident", "Remember, be careful: it matters"]
    )
    assert mixed == [(0, "Owner", "SRE")]


def test_meta_builder_first_value_wins_and_reports_placeholders():
    b = MetaBuilder()
    b.add("Owner", "[Team/Person]", 3)
    b.add("Owner", "SRE", 4)
    b.add("Last Tested", "Q3", 5)
    assert b.meta == {"owner": "SRE"}
    assert b.placeholders == [("owner", "[Team/Person]", 3)]
    assert b.bad_dates == [("last_tested", "Q3", 5)]
