"""rbdesk changes, rbdesk diff and the diff in rbdesk runs show."""

from __future__ import annotations

import json

import pytest

from rbdesk.cli.main import main
from rbdesk.core.seen import load_seen
from tests.core.sync.gitfixtures import Repo

CMD = "kubectl -n prod rollout restart deploy/api"
BEFORE = {
    "api.md": f"# API restart\n\nWhy.\n\n## Restart\n\n```bash\n{CMD}\n```\n\n- [ ] pods ready\n",
    "other.md": "# Other\n\nText.\n",
}
AFTER = {
    "api.md": BEFORE["api.md"].replace("-n prod", "-n prod-eu \x1b]0;pwned\x07"),
    "other.md": "# Other\n\nText, edited.\n",
}


@pytest.fixture()
def synced(tmp_path, data_dir, capsys):
    repo = Repo(tmp_path / "src")
    first = repo.set_files(BEFORE, "first")
    assert main(["source", "add", "ops", repo.url]) == 0
    assert main(["sync"]) == 0
    second = repo.set_files(AFTER, "second")
    assert main(["sync"]) == 0
    capsys.readouterr()
    return repo, first, second


def test_changes_text_lists_commands_first_and_is_terminal_safe(synced, data_dir, capsys):
    _repo, first, second = synced
    assert main(["changes"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith(f"ops (git): {first[:7]}") and "2 runbooks changed" in lines[0]
    assert lines[1].startswith("  M api.md — API restart [commands: 1 changed]")
    assert f"- {CMD}" in out
    assert "+ kubectl -n prod-eu ␛]0;pwned⟦U+0007⟧ rollout restart deploy/api" in out
    assert "  M other.md — Other [prose only]" in out
    assert "\x1b" not in out and "\x07" not in out
    # reading it in a terminal counts as having looked
    assert load_seen(data_dir).source("ops") == second


def test_changes_json_counts_and_no_seen_move(synced, data_dir, capsys):
    _repo, first, second = synced
    assert main(["changes", "--json"]) == 0
    (src,) = json.loads(capsys.readouterr().out)
    assert (src["from"], src["to"]) == (first, second)
    api = src["runbooks"][0]
    assert api["path"] == "api.md"
    assert {k: api["commands"][k] for k in ("added", "removed", "changed")} == {
        "added": 0,
        "removed": 0,
        "changed": 1,
    }
    assert api["commands"]["items"][0]["old"] == CMD
    assert src["runbooks"][1]["prose_only"] is True
    assert load_seen(data_dir).source("ops") is None


def test_diff_highlights_words_only_with_color(synced, capsys):
    assert main(["diff", "api.md", "--color", "always"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[32;1;7mprod-eu ␛]0;pwned⟦U+0007⟧\x1b[0m" in out
    assert "\x1b]" not in out and "\x07" not in out
    assert "~ § Restart  (1 command)" in out
    assert main(["diff", "api.md"]) == 0  # captured: not a TTY
    plain = capsys.readouterr().out
    assert "\x1b" not in plain and "+ kubectl -n prod-eu" in plain


def test_diff_of_an_unchanged_runbook_and_bad_since(synced, capsys):
    _repo, _first, second = synced
    assert main(["diff", "other.md", "--since", second[:10]]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert main(["changes", "--since", "next-tuesday"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "rbdesk: --since 'next-tuesday': not a commit, a date, a duration or last-seen"
    )
    assert "Traceback" not in "".join(err)


def test_runs_show_prints_the_diff_when_the_runbook_changed(tmp_path, data_dir, capsys):
    repo = Repo(tmp_path / "src")
    repo.set_files(BEFORE, "first")
    main(["source", "add", "ops", repo.url])
    main(["sync"])
    capsys.readouterr()
    assert main(["runs", "start", "api.md", "--kind", "drill"]) == 0
    run_id = capsys.readouterr().out.strip()
    repo.set_files(AFTER, "second")
    main(["sync"])
    capsys.readouterr()
    assert main(["runs", "show", run_id]) == 0
    out = capsys.readouterr().out
    assert "WARNING:  the runbook is changed since this run started" in out
    assert f"- {CMD}" in out and "+ kubectl -n prod-eu" in out
    assert main(["runs", "show", run_id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["runbook_changes"]["commands"]["changed"] == 1
