"""rbdesk show / copy / open --print / contacts from the terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from rbdesk.cli.main import main

RUNBOOK = """# Cache flush

## Step 1: Look

```bash
$ redis-cli -h <REDIS_HOST> info memory
```

```text
used_memory:1000
```

## Step 2: Flush

```bash
$ redis-cli -h ${REDIS_HOST} FLUSHALL\u200b
```
"""


@pytest.fixture()
def rbfile(tmp_path, data_dir, monkeypatch):
    root = tmp_path / "lib"
    root.mkdir()
    p = root / "cache-flush.md"
    p.write_text(RUNBOOK, "utf-8")
    monkeypatch.setattr("rbdesk.core.paths.samples_dir", lambda: root)
    return p


def test_show_numbers_every_block(rbfile, capsys):
    assert main(["show", "cache-flush.md"]) == 0
    out = capsys.readouterr().out
    assert "samples:cache-flush.md" in out
    assert "[1] bash" in out and "[2] text" in out and "[3] bash" in out
    assert "⚠ destructive" in out and "⟦U+200B⟧" in out


def test_copy_fills_vars_warns_on_stderr(rbfile, capsys):
    assert main(["copy", "cache-flush.md", "3", "--var", "REDIS_HOST=cache 1"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "redis-cli -h 'cache 1' FLUSHALL"
    assert "DESTRUCTIVE" in cap.err and "ZERO WIDTH SPACE" in cap.err


def test_copy_uses_saved_incident_variables(rbfile, data_dir, capsys):
    from rbdesk.core.settings import Settings, save_settings

    s = Settings()
    s.set_variable("REDIS_HOST", "saved-host")
    save_settings(data_dir, s)
    assert main(["copy", "cache-flush.md", "1"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "redis-cli -h saved-host info memory"
    assert "saved incident variables: REDIS_HOST" in cap.err
    assert main(["copy", "cache-flush.md", "1", "--no-saved-vars", "--allow-unfilled"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "redis-cli -h <REDIS_HOST> info memory"
    assert "placeholders not filled: REDIS_HOST" in cap.err


def test_copy_refuses_unfilled_placeholders_with_exit_3(rbfile, capsys):
    # `redis-cli -h <REDIS_HOST>` pasted into bash reads <REDIS_HOST> as a redirect.
    assert main(["copy", "cache-flush.md", "1"]) == 3
    cap = capsys.readouterr()
    assert cap.out == ""
    assert "unfilled placeholders: REDIS_HOST" in cap.err
    assert "--var REDIS_HOST=VALUE" in cap.err and "--allow-unfilled" in cap.err


def test_copy_refuses_lowercase_and_square_placeholders(tmp_path, monkeypatch, capsys):
    root = tmp_path / "lib"
    root.mkdir()
    (root / "pods.md").write_text(
        "# Pods\n\n```bash\nkubectl -n ${NAMESPACE} delete pod [pod-name]\n```\n\n"
        "```bash\nredis-cli -h <redis-host> -p 6379 info\n```\n",
        "utf-8",
    )
    monkeypatch.setattr("rbdesk.core.paths.samples_dir", lambda: root)
    assert main(["copy", "pods.md", "1"]) == 3
    assert "unfilled placeholders: NAMESPACE, pod-name" in capsys.readouterr().err
    assert main(["copy", "pods.md", "1", "--var", "NAMESPACE=shop", "--var", "pod-name=web-1"]) == 0
    assert capsys.readouterr().out == "kubectl -n shop delete pod web-1"
    assert main(["copy", "pods.md", "2", "--allow-unfilled"]) == 0
    assert capsys.readouterr().out == "redis-cli -h <redis-host> -p 6379 info"


def _show(rbfile, tmp_path, *extra):
    env = {**os.environ, "RBDESK_DATA_DIR": str(tmp_path / "d"), "QT_QPA_PLATFORM": "offscreen"}
    code = (
        "import sys; import rbdesk.core.paths as p; from pathlib import Path;"
        f"p.samples_dir = lambda: Path({str(rbfile.parent)!r});"
        f"from rbdesk.cli.main import main; sys.exit(main(['show', 'cache-flush.md', *{extra!r}]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


def test_show_counts_problems_in_one_short_stderr_line(rbfile, tmp_path):
    r = _show(rbfile, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "lint" not in r.stdout and "RB2" not in r.stdout
    assert "Cache flush" in r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) <= 80
    assert re.fullmatch(r"rbdesk: \d+ lint problems?: rbdesk show --lint cache-flush\.md", lines[0])


def test_show_lint_lists_every_problem_after_the_runbook(rbfile, tmp_path):
    r = _show(rbfile, tmp_path, "--lint")
    assert r.returncode == 0, r.stderr
    assert "Cache flush" in r.stdout and "RB2" not in r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) >= 2 and all(x.startswith("lint: cache-flush.md") for x in lines)


def test_copy_bad_number_and_bad_var(rbfile, capsys):
    assert main(["copy", "cache-flush.md", "9"]) == 1
    assert "has 3 command(s)" in capsys.readouterr().err
    assert main(["copy", "cache-flush.md", "1", "--var", "oops"]) == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err


def test_open_print_and_contacts(rbfile, capsys):
    assert main(["open", "--print", "cache-flush"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "samples:cache-flush.md"
    assert main(["contacts", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"  # this library has no contacts yet
    (rbfile.parent / "oncall.md").write_text(
        "# On-call\n\n## Escalation\n\n- Manager: Jane Doe - +1 555 0100\n"
        "- DBA: Raj Patel (raj@example.com)\n",
        "utf-8",
    )
    assert main(["contacts", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert {(c["name"], c["phone"], c["email"]) for c in got} == {
        ("Jane Doe", "+1 555 0100", ""),
        ("Raj Patel", "", "raj@example.com"),
    }
    assert main(["contacts", "raj"]) == 0
    out = capsys.readouterr().out
    assert "Raj Patel" in out and "Jane Doe" not in out


def test_copy_in_a_pipe_has_no_trailing_newline(rbfile, data_dir, repo_root):
    env = {**os.environ, "PYTHONPATH": str(repo_root), "RBDESK_DATA_DIR": str(data_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "rbdesk", "copy", str(rbfile), "1", "--var", "REDIS_HOST=h"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stdout == b"redis-cli -h h info memory"
