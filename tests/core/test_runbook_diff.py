"""The runbook-level diff: sections, commands paired old/new, prose-only edits."""

from __future__ import annotations

from rbdesk.core.runbook.diff import diff_runbooks, line_pairs, word_diff
from rbdesk.core.runbook.parser import parse_text

BASE = """# DB failover

Intro.

## Check

Look first.

```bash
pg_isready -h db1
```

## Promote

```bash
pg_ctl promote -D /data
```

```bash
echo done
```
"""


def _diff(old: str, new: str):
    return diff_runbooks(parse_text(old, "a.md"), parse_text(new, "a.md"))


def test_commands_changed_added_removed_are_paired_by_similarity():
    new = (
        BASE.replace("db1", "db2")
        .replace("-D /data", "-D /data --wait")
        .replace("```bash\necho done\n```\n", "## Verify\n\n```bash\npsql -c 'select 1'\n```\n")
    )
    d = _diff(BASE, new)
    assert d.counts == {"added": 1, "removed": 1, "changed": 2}
    changed = {(c.old, c.new) for c in d.commands if c.status == "changed"}
    assert changed == {
        ("pg_isready -h db1", "pg_isready -h db2"),
        ("pg_ctl promote -D /data", "pg_ctl promote -D /data --wait"),
    }
    assert [c.old for c in d.commands if c.status == "removed"] == ["echo done"]
    assert [(c.new, c.section) for c in d.commands if c.status == "added"] == [
        ("psql -c 'select 1'", "Verify")
    ]
    by_title = {s.title: s for s in d.sections}
    assert by_title["Verify"].status == "added"
    assert by_title["Check"].commands == 1 and not by_title["Check"].prose
    assert not d.prose_only
    assert d.summary() == "commands: 2 changed, 1 added, 1 removed"


def test_prose_only_edit_is_reported_as_such():
    d = _diff(BASE, BASE.replace("Look first.", "Look first, carefully."))
    assert d.commands == []
    assert d.prose_only and not d.unchanged
    assert [(s.title, s.status, s.prose) for s in d.sections] == [("Check", "changed", True)]
    assert d.summary() == "prose only"
    assert d.to_dict()["commands"] == {"added": 0, "removed": 0, "changed": 0, "items": []}


def test_a_moved_command_is_not_a_change_and_unrelated_commands_are_not_paired():
    moved = BASE.replace("```bash\necho done\n```\n", "").replace(
        "Look first.\n", "Look first.\n\n```bash\necho done\n```\n"
    )
    assert _diff(BASE, moved).commands == []
    swapped = BASE.replace("echo done", "systemctl restart haproxy")
    d = _diff(BASE, swapped)
    assert d.counts == {"added": 1, "removed": 1, "changed": 0}


def test_same_text_is_no_change():
    d = _diff(BASE, BASE)
    assert d.unchanged and d.summary() == "same content"


def test_word_diff_marks_only_changed_words():
    assert word_diff("kubectl -n prod get pods", "kubectl -n staging get pods") == [
        ("=", "kubectl -n "),
        ("-", "prod"),
        ("+", "staging"),
        ("=", " get pods"),
    ]


def test_line_pairs_keep_changed_lines_with_one_line_of_context():
    old = "\n".join(f"line {i}" for i in range(10))
    new = old.replace("line 5", "line five").replace("line 9", "line 9\nline 10")
    assert line_pairs(old, new) == [
        ("…", "", ""),
        ("=", "line 4", "line 4"),
        ("~", "line 5", "line five"),
        ("=", "line 6", "line 6"),
        ("…", "", ""),
        ("=", "line 9", "line 9"),
        ("+", "", "line 10"),
    ]


def test_change_marks_escape_runbook_text_and_mark_the_right_block():
    from rbdesk.core.render.changemarks import banner_html, diff_html, mark_commands
    from rbdesk.core.render.reader import render_runbook

    new_text = BASE.replace("db1", "db1 <b>x</b>").replace("```bash\necho done\n```\n", "")
    new = parse_text(new_text, "a.md")
    d = diff_runbooks(parse_text(BASE, "a.md"), new)
    result = render_runbook(new)
    blocks = [(b.index, b.line) for b in result.code_blocks]
    html = mark_commands(result.html, d, blocks)
    mark = html.index("changed since you last looked — was: <code>pg_isready -h db1</code>")
    assert html.index('<a name="code-1">') > mark
    assert html.count("changed since you last looked") == 1
    banner = banner_html(d, "abc → def")
    assert "removed from “Promote”" in banner and "echo done" in banner
    detail = diff_html(d, "DB <failover>")
    assert "&lt;b&gt;x&lt;/b&gt;" in detail and "<b>x</b>" not in detail
    assert "DB &lt;failover&gt;" in detail


def test_a_prompt_added_is_not_a_command_change():
    # seen in openshift/runbooks: 17 commands of one runbook got a "$ " prompt
    d = _diff(BASE, BASE.replace("pg_isready -h db1", "$ pg_isready -h db1   "))
    assert d.commands == []


def test_marker_of_a_multi_line_command_quotes_its_first_changed_line():
    from rbdesk.core.render.changemarks import mark_commands
    from rbdesk.core.render.reader import render_runbook

    script = "set -e\nkubectl -n prod scale deploy/api --replicas=0\nkubectl -n prod get pods"
    old = f"# S\n\n```bash\n{script}\n```\n\n```bash\necho a\n```\n"
    new_text = old.replace("--replicas=0", "--replicas=1").replace("echo a", "echo a\n\necho b")
    new = parse_text(new_text, "s.md")
    d = diff_runbooks(parse_text(old, "s.md"), new)
    result = render_runbook(new)
    html = mark_commands(result.html, d, [(b.index, b.line) for b in result.code_blocks])
    assert "was: <code>kubectl -n prod scale deploy/api --replicas=0</code>" in html
    assert "added: <code>echo b</code>" in html
