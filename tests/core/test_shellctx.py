"""A value is data in every shell context: hostile values filled, the copy run by bash.

Each filled command runs in ``bash`` with stub commands first on PATH: ``kubectl``
writes its arguments (and stdin after ``-f -``) to a record file, ``ssh`` runs its
command words in a new shell as a remote shell would. A value must reach the stub
as exactly itself, and nothing it holds may run (the marker file stays absent) —
or the value is refused with a reason and nothing is copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbdesk.core.runbook.copyrules import prepare_copy, sanitize, shell_metachars, value_warning
from rbdesk.core.runbook.shellctx import contexts_at

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")

KUBECTL = """#!/bin/bash
{ printf 'ARGS'; printf '\\0%s' "$@"; printf '\\036'; } >> "$RECORD"
if [ "${@: -1}" = "-" ]; then { printf 'STDIN\\0'; cat; printf '\\036'; } >> "$RECORD"; fi
"""
SSH = """#!/bin/bash
while [ "${1#-}" != "$1" ]; do shift; done
shift
exec bash -c "$*"
"""


@pytest.fixture
def sandbox(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("kubectl", KUBECTL), ("ssh", SSH)):
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    for f in ("glob-a", "glob-b"):  # an unquoted * would expand to these
        (work / f).write_text("")
    return tmp_path


def run_bash(sandbox: Path, command: str) -> list[tuple[str, list[str]]]:
    """Run command in bash with the stubs; what kubectl received, call by call."""
    record = sandbox / "record"
    record.write_bytes(b"")
    env = {
        "PATH": f"{sandbox / 'bin'}:/usr/bin:/bin",
        "RECORD": str(record),
        "HOME": str(sandbox),
    }
    subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", command],
        cwd=sandbox / "work",
        env=env,
        capture_output=True,
        timeout=20,
        check=False,
    )
    calls = []
    for entry in record.read_bytes().decode().split("\x1e"):
        if entry.startswith("ARGS"):
            calls.append(("args", entry.split("\0")[1:]))
        elif entry.startswith("STDIN"):
            calls.append(("stdin", [entry.split("\0", 1)[1]]))
    return calls


# template, how to find the value in what kubectl received (None: the value never reaches it)
CONTEXTS = {
    "bare": ("kubectl get pods -n <V>", lambda c: c[0][1][-1]),
    "double": ('kubectl get pods -n "<V>"', lambda c: c[0][1][-1]),
    "double-inside-text": ('kubectl get pods -l "app=<V>,tier=web"', lambda c: c[0][1][-1]),
    "double-dollar-brace": ('kubectl get pods -n "${V}"', lambda c: c[0][1][-1]),
    "double-dollar-name": ('kubectl get pods -n "$V"', lambda c: c[0][1][-1]),
    "single": ("kubectl get pods -l 'app=<V>,tier=web'", lambda c: c[0][1][-1]),
    "ansi-c": ("kubectl get pods -n $'<V>'", lambda c: c[0][1][-1]),
    "assignment": ('NS=<V>; kubectl get pods -n "$NS"', lambda c: c[0][1][-1]),
    "command-substitution": ("echo $(kubectl get -n <V>)", lambda c: c[0][1][-1]),
    "double-in-substitution": ('echo "$(kubectl get -n "<V>")"', lambda c: c[0][1][-1]),
    "backticks": ("echo `kubectl get -n <V>`", lambda c: c[0][1][-1]),
    "backticks-in-double": ('echo "`kubectl get -n <V>`"', lambda c: c[0][1][-1]),
    "heredoc": ("kubectl apply -f - <<EOF\n<V>\nEOF", lambda c: c[1][1][0][:-1]),
    "heredoc-quoted": ("kubectl apply -f - <<'EOF'\n<V>\nEOF", lambda c: c[1][1][0][:-1]),
    "heredoc-tabs": ("kubectl apply -f - <<-EOF\n\tname: <V>\n\tEOF", lambda c: c[1][1][0][6:-1]),
    "comment": ("kubectl get pods # for <V>", None),
    "ssh-single": ("ssh db-01 'kubectl get -n <V>'", lambda c: c[0][1][-1]),
    "ssh-double": ('ssh -t db-01 "kubectl get -n <V>"', lambda c: c[0][1][-1]),
    "ssh-bare": ("ssh db-01 kubectl get -n <V>", lambda c: c[0][1][-1]),
    "bash-c": ("bash -c 'kubectl get -n \"<V>\"'", lambda c: c[0][1][-1]),
    "eval": ("eval kubectl get -n <V>", lambda c: c[0][1][-1]),
}

HOSTILE = [
    "$(touch {m})",
    "`touch {m}`",
    'a" ; touch {m} ; echo "',
    "'; touch {m}; echo '",
    "it's",
    "a\nb; touch {m}",
    "; touch {m}",
    "*",
    "a\\b\\",
    "!!",
    "${{IFS}}x$HOME",
    "x\nEOF\ntouch {m}",
    "\tEOF",
    "$'\\x41'",
]


@pytest.mark.parametrize("raw", HOSTILE)
@pytest.mark.parametrize("where", sorted(CONTEXTS))
def test_hostile_value_is_literal_or_refused(sandbox, where, raw):
    template, received = CONTEXTS[where]
    marker = sandbox / "MARK"
    value = raw.format(m=marker)
    res = prepare_copy(template, {"V": value})
    if res.refused:
        assert res.unfilled == ["V"] and "V not filled:" in res.refused[0]
        return
    assert res.filled == ["V"] and not res.unfilled
    calls = run_bash(sandbox, res.text)
    assert not marker.exists(), res.text
    if received is None:
        assert calls == [("args", ["get", "pods"])]
    else:
        assert received(calls) == ("app=" + value + ",tier=web" if "app=" in template else value), (
            res.text
        )


def test_plain_values_are_filled_as_written_everywhere(sandbox):
    for where, (template, received) in CONTEXTS.items():
        res = prepare_copy(template, {"V": "payments-01"})
        assert "payments-01" in res.text and not res.refused, where
        if received is not None and "app=" not in template:
            assert received(run_bash(sandbox, res.text)) == "payments-01", where


@pytest.mark.parametrize(
    ("template", "value", "why"),
    [
        ("kubectl get pods # for <V>", "a\nrm -rf /", "would end the comment"),
        ("kubectl scale --replicas=$((<V> + 1))", "a[$(id)]", "only a number"),
        ("kubectl get -n ${X:-<V>}", "a b", "only a plain word"),
        ("kubectl apply -f - <<EOF\n<V>\nEOF", "x\nEOF\nid", "end the here-document"),
    ],
)
def test_refusals_name_the_variable_and_the_context(template, value, why):
    res = prepare_copy(template, {"V": value})
    assert res.unfilled == ["V"] and res.filled == []
    assert res.refused and res.refused[0].startswith("V not filled:") and why in res.refused[0]
    assert any(line.startswith("V not filled:") for line in res.warnings())


def test_issue_examples_no_longer_run(sandbox):
    marker = sandbox / "x"
    value = f"$(id>{marker})"
    res = prepare_copy('kubectl get pods -n "$NAMESPACE"', {"NAMESPACE": value})
    assert res.text == f'kubectl get pods -n ""\'{value}\'""'
    assert run_bash(sandbox, res.text)[0][1][-1] == value
    assert not marker.exists()
    assert res.values == ["value of NAMESPACE contains `$(`, `>`"]


def test_contexts_seen_by_the_scanner():
    text = "a 'b' \"c $(d 'e') `f`\" g=h $'i' # j\ncat <<'K'\nl\nK\nssh m 'n'"
    spots = [text.index(ch, 1 if ch == "a" else 0) for ch in "bcdefhijlmn"]
    kinds = [c.kind for c in contexts_at(text, spots)]
    assert kinds == [
        "single",
        "double",
        "bare",
        "single",
        "bare",
        "bare",  # g=h is an argument here (a is the command), not an assignment
        "ansi-c",
        "comment",
        "heredoc-quoted",
        "bare",
        "bare",  # n: the string ssh runs, read by the remote shell
    ]
    n_ctx = contexts_at(text, [text.index("n'")])[0]
    assert [(la.kind, la.quoting, la.via) for la in n_ctx.layers] == [("shell", "single", "ssh")]
    assert "of a command string that ssh runs" in n_ctx.describe()


def test_metacharacters_named():
    assert shell_metachars("ok-value_1.2") == []
    assert value_warning("NS", "a$(b);c`d`\n\x07") == (
        "value of NS contains `$(`, a backtick, `;`, a newline, control character U+0007"
    )
    assert value_warning("NS", "payments") == ""
    found = shell_metachars("a$(b);c`d`\n\x07|x&y>z<'\"")
    for token in ("$(", "`", ";", "|", "&", ">", "<", "'", '"', "a newline"):
        assert token in found
    assert "control character U+0007" in found
    assert "$" not in found  # only as part of $(


SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=SAFE_TEXT)
def test_any_value_is_one_literal_argument(sandbox, value):
    expected = sanitize(value)[0]
    for where in ("bare", "double", "single", "ssh-single"):
        template, received = CONTEXTS[where]
        res = prepare_copy(template, {"V": value})
        if not expected:
            continue
        assert not res.refused, (where, res.refused)
        want = "app=" + expected + ",tier=web" if "app=" in template else expected
        assert received(run_bash(sandbox, res.text)) == want, (where, res.text)
    assert not os.listdir(sandbox / "work") or set(os.listdir(sandbox / "work")) == {
        "glob-a",
        "glob-b",
    }


@pytest.mark.parametrize(
    ("words", "via"),
    [
        (["ssh", "db-01"], "ssh"),
        (["timeout", "10", "ssh", "-p", "22", "db-01"], "ssh"),
        (["ssh", "-p", "22"], ""),  # 22 is -p's value: no destination yet
        (["rsync", "-e", "ssh", "src"], ""),
        (["knife", "ssh", "roles:gprd-base-db-patroni"], "knife ssh"),
        (["knife", "ssh"], ""),
        (["gcloud", "compute", "ssh", "db-01"], ""),
        (["gcloud", "compute", "ssh", "db-01", "--command"], "gcloud --command"),
        (["kubectl", "exec", "pod", "--", "sh", "-c"], "sh -c"),
        (["su", "-", "postgres", "-c"], "su -c"),
        (["psql", "-c"], ""),
        (["eval"], "eval"),
        (["watch", "-n"], ""),
        (["watch", "-n", "5"], "watch"),
        (["watch", "-x", "kubectl"], ""),
    ],
)
def test_what_runs_a_word_as_a_command_string(words, via):
    from rbdesk.core.runbook.shellctx import inner_shell

    assert inner_shell(words) == via
