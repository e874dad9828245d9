"""The pasted-alert parser is linear: hostile shapes finish in bounded time (#20)."""

from __future__ import annotations

import contextlib
import json
import random
import time

import pytest

from rbdesk.core.usecases.alerts import MAX_ALERTS, AlertParseError, parse_alert_text

LIMIT_S = 2.0  # generous; the old parser took 24 s on the first shape
MB = 1024 * 1024 - 64

HOSTILE = {
    # "Labels" then 3,000 blanks on the line: cubic backtracking in the old block pattern
    "labels_then_blanks": "alertname=X\nLabels" + " " * 3000 + "x\n",
    "labels_then_blank_lines": "alertname=X\nLabels\n" + "\n" * 3000 + "x\n",
    "starred_blanks_and_tabs": "alertname=X\n**Labels" + " \t" * 5000 + "*x\n",
    "starts_at_blanks": "alertname=X\nstarts at" + " " * 5000 + ":" + " " * 5000 + "x\n",
    "nested_brackets": "alertname=X\n" + "[" * 200_000 + "\n",
    "nested_braces": "alertname=X\n" + "{" * 200_000 + "\n",
    "markdown_links": "alertname=X\nrunbook: " + "[a](http://x " * 50_000 + "\n",
    "one_mb_line_of_pairs": "alertname=X\n" + 'x="a ' * (MB // 6) + "\n",
    "one_mb_line_of_urls": "alertname=X\nrunbook " + "http://" * (MB // 8) + "\n",
    "one_mb_word": "alertname=X\n" + "a" * MB,
    "backticks": "alertname=X\n*team:* " + "`" * 100_000 + "x\n",
    "stars": "alertname=X\n" + "*" * 200_000 + "\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_shape_finishes_in_bounded_time(name):
    text = HOSTILE[name]
    started = time.perf_counter()
    paste = parse_alert_text(text)
    elapsed = time.perf_counter() - started
    assert elapsed < LIMIT_S, f"{name}: {elapsed:.2f} s"
    assert paste.first.name == "X"


def test_random_mixtures_finish_in_bounded_time():
    rng = random.Random(20)
    atoms = [
        " ",
        "\t",
        "\n",
        "Labels",
        "*",
        "**",
        ":",
        "=",
        '"',
        "[",
        "]",
        "(",
        ")",
        "`",
        "<",
        ">",
        "|",
        "http://",
        "alertname=A",
        "- ",
        "•",
        "runbook",
        "\\",
        "{",
        "}",
        "a",
    ]
    for _ in range(40):
        text = "".join(rng.choice(atoms) * rng.randint(1, 400) for _ in range(300))
        started = time.perf_counter()
        with contextlib.suppress(AlertParseError):
            parse_alert_text(text)
        assert time.perf_counter() - started < LIMIT_S, repr(text[:200])


@pytest.mark.parametrize("shape", ["text", "json"])
def test_twenty_thousand_alerts_say_what_was_dropped(shape):
    if shape == "text":
        text = "".join(f"alertname=A{i}\n" for i in range(20_000))
    else:
        text = json.dumps({"alerts": [{"labels": {"alertname": f"A{i}"}} for i in range(20_000)]})
    started = time.perf_counter()
    paste = parse_alert_text(text)
    assert time.perf_counter() - started < LIMIT_S
    assert len(paste.alerts) == MAX_ALERTS and paste.total == 20_000
    assert paste.count_line() == "the paste holds 20,000 alerts; showing the first 500"


def test_a_short_paste_says_only_how_many():
    paste = parse_alert_text("alertname=A\nalertname=B\n")
    assert paste.count_line() == "the paste holds 2 alerts" and paste.dropped == 0


def test_values_keep_their_words_after_blank_runs_are_folded():
    paste = parse_alert_text("alertname=X\nLabels:\n- namespace =    payments   \n")
    assert paste.first.labels["namespace"] == "payments"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("9" * 5000, "invalid JSON: Exceeds the limit (4300 digits)"),
        ("[" * 900 + "]" * 900, "invalid JSON: nested too deeply"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
    ],
)
def test_hostile_json_values_are_one_line(value, why):
    text = '{"labels": {"alertname": "X", "v": ' + value + "}}"
    with pytest.raises(AlertParseError) as err:
        parse_alert_text(text)
    assert str(err.value).startswith(why)
