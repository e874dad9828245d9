"""Copy rules: prompts, placeholders, hidden characters, destructive commands."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbdesk.core.runbook.copyrules import (
    destructive_reasons,
    fill_placeholders,
    placeholders_in,
    prepare_copy,
    sanitize,
    strip_prompts,
)


def test_strip_dollar_prompts_keeps_hash_comments_and_drops_output():
    text = "# list pods\n$ kubectl get pods\nNAME READY\n$ echo done \\\n  --flag\n"
    assert strip_prompts(text) == "kubectl get pods\necho done \\\n  --flag"
    assert strip_prompts("# not a prompt\nls -la\n") == "# not a prompt\nls -la"


@pytest.mark.parametrize(
    "spelling",
    ["<HOST>", "[HOST]", "${HOST}", "{{HOST}}", "{{ HOST }}"],
)
def test_every_placeholder_spelling_is_filled_and_quoted(spelling):
    res = prepare_copy(f"ssh {spelling} uptime", {"HOST": "web 1; rm"})
    assert res.text == "ssh 'web 1; rm' uptime"
    assert res.filled == ["HOST"]


def test_placeholders_any_case_exact_first_and_not_refilled():
    # Issue 23: one runbook writes [HOSTNAME] and [hostname]: one variable fills both.
    text, fills = fill_placeholders("<host> <HOST> <OTHER>", {"HOST": "<OTHER>", "OTHER": "x"})
    assert text == "'<OTHER>' '<OTHER>' x"
    assert [f.name for f in fills] == ["HOST", "HOST", "OTHER"]
    assert text[fills[0].start : fills[0].end] == "'<OTHER>'"
    # Both spellings set: each fills its own; $NAME stays exact, as in the shell.
    text, _ = fill_placeholders("[host] [HOST] $host $HOST", {"HOST": "a", "host": "b"})
    assert text == "b a $host a"
    res = prepare_copy("curl .../members/[hostname]", {"HOSTNAME": "db-1"}, ["hostname"])
    assert res.text == "curl .../members/db-1" and res.unfilled == []


def test_unfilled_placeholders_reported():
    res = prepare_copy("kubectl -n ${NAMESPACE} logs <pod-name>", {})
    assert res.unfilled == ["NAMESPACE", "pod-name"]
    assert placeholders_in("[TEAM] and [link](x)") == ["TEAM"]


def test_hidden_characters_removed_and_named():
    raw = "echo ok\u202e\u200b\x1b[31mred\x1b[0m\x1b[201~; ls\x07"
    clean, removed = sanitize(raw)
    assert clean == "echo okred; ls"
    names = " ".join(r.describe() for r in removed)
    for expected in (
        "RIGHT-TO-LEFT OVERRIDE (U+202E)",
        "ZERO WIDTH SPACE (U+200B)",
        "ANSI escape sequence ×2",
        "ESC[201~",
        "U+0007",
    ):
        assert expected in names


def test_no_trailing_newline_and_crlf():
    assert prepare_copy("ls\r\npwd\r\n\n").text == "ls\npwd"


@pytest.mark.parametrize(
    "cmd",
    [
        "rm -rf /var/lib/x",
        "rm -fr x",
        "sudo rm -r -f /x",
        "DROP TABLE users;",
        "truncate table events",
        "DELETE FROM users;",
        "kubectl -n x delete pod y",
        "git push --force",
        "terraform destroy",
        "dd if=/dev/zero of=/dev/sda",
        "mkfs.ext4 /dev/sdb1",
    ],
)
def test_destructive_detected(cmd):
    assert destructive_reasons(cmd)


@pytest.mark.parametrize(
    "cmd",
    [
        "ls -la",
        "DELETE FROM users WHERE id = 3;",
        "kubectl get pods",
        "echo rm is a word",
        "grep -r forced /var/log",
    ],
)
def test_harmless_not_flagged(cmd):
    assert destructive_reasons(cmd) == []


@given(st.text(), st.dictionaries(st.sampled_from(["A", "HOST", "x-y"]), st.text(max_size=10)))
def test_copy_never_has_hidden_chars_or_trailing_newline(text, variables):
    res = prepare_copy(text, variables)
    assert not res.text.endswith("\n")
    assert sanitize(res.text)[1] == []


def test_bare_quoting_is_shlex_style_single_quotes():
    value = "it's $(danger)"
    assert prepare_copy("echo <V>", {"V": value}).text == "echo 'it'\\''s $(danger)'"
    assert shlex.split(prepare_copy("echo <V>", {"V": value}).text) == ["echo", value]
