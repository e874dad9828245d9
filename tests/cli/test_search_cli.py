"""`rbdesk search` and `rbdesk bench search` on the bundled samples (no sources)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rbdesk.cli.main import main


def _sample_title(samples_dir):
    from rbdesk.core.runbook.parser import parse_file

    for p in sorted(samples_dir.rglob("*.md")):
        if p.name.lower() != "readme.md":
            return parse_file(p, relpath=p.relative_to(samples_dir).as_posix())
    pytest.skip("no sample runbooks in this checkout")


def test_search_json_contract(data_dir, samples_dir, capsys):
    rb = _sample_title(samples_dir)
    assert main(["search", *rb.title.split(), "--json", "--limit", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"query", "total", "corrected", "hits"}
    assert out["query"] == rb.title and out["corrected"] is None
    assert 1 <= len(out["hits"]) <= 2 and out["total"] >= len(out["hits"])
    hit = out["hits"][0]
    assert set(hit) == {
        "source",
        "path",
        "title",
        "section",
        "anchor",
        "score",
        "snippet",
        "owner",
        "severity",
        "last_tested",
    }
    assert hit["source"] == "samples" and not hit["path"].startswith("/")
    assert rb.path in [h["path"] for h in out["hits"]]


def test_search_text_output_and_no_match(data_dir, samples_dir, capsys):
    rb = _sample_title(samples_dir)
    assert main(["search", rb.title]) == 0
    assert rb.title in capsys.readouterr().out
    assert main(["search", "qqqzzzxxyy"]) == 1
    assert "no runbook matches" in capsys.readouterr().out


def test_search_syntax_characters_never_crash(data_dir, capsys):
    for q in ('a:b "unclosed', "*", "(", "-", "ünï ✓", "etcdserver:", "FATAL:"):
        assert main(["search", "--json", "--", q]) == 0
        assert json.loads(capsys.readouterr().out)["query"] == q


def test_unknown_source_and_bad_limit(data_dir, capsys):
    assert main(["search", "x", "--source", "nope"]) == 1
    assert "no source named 'nope'" in capsys.readouterr().err
    assert main(["search", "x", "--limit", "0"]) == 2


def test_bench_search_prints_percentiles(data_dir, tmp_path, capsys):
    q = tmp_path / "q.txt"
    q.write_text("disk full\nrestart service\n", "utf-8")
    p = tmp_path / "p.txt"
    p.write_text("d\ndi\ndis\ndisk\n", "utf-8")
    assert main(["bench", "search", "--queries", str(q), "--prefixes", str(p), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"query_p50_ms", "query_p95_ms", "prefix_p50_ms", "prefix_p95_ms"}
    assert 0 <= out["query_p50_ms"] <= out["query_p95_ms"]
    assert main(["bench", "search", "--queries", str(tmp_path / "nope"), "--prefixes", str(p)]) == 2


def test_search_in_a_fresh_process(data_dir, repo_root, samples_dir):
    rb = _sample_title(samples_dir)
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    proc = subprocess.run(
        [sys.executable, "-m", "rbdesk", "search", "--json", rb.title],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] >= 1


def test_named_command_imports_only_its_own_module(repo_root):
    from rbdesk.cli.main import command_index

    assert command_index(["--data-dir", "/x", "search", "kafka"]) == 2
    assert command_index(["--data-dir=/x", "sync"]) == 1
    assert command_index(["serach", "kafka"]) is None  # a typo: the whole parser
    assert command_index(["--help"]) is None and command_index([]) is None
    code = (
        "import sys\n"
        "from rbdesk.cli.main import build_parser\n"
        "build_parser('search').parse_args(['search', 'kafka', 'lag'])\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('rbdesk.cli.cmd_'))))\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('whoosh', 'rbdesk.core.sync')))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    commands, heavy = proc.stdout.splitlines()
    assert commands == "rbdesk.cli.cmd_search"
    assert heavy == ""  # building the parser imports neither Whoosh nor sync


def test_mistyped_command_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["serach", "kafka"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'serach'" in err and "'search'" in err


def test_a_pasted_command_with_dashed_options_is_the_query(data_dir, samples_dir, capsys):
    # `-n` and `-A` are kubectl's, not rbdesk's: they stay words of the query,
    # in their place; --json and --limit are still rbdesk's own options
    argv = ["search", "kubectl", "-n", "checkout", "get", "pods", "-A", "--json", "--limit", "2"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["query"] == "kubectl -n checkout get pods -A"
    assert 1 <= len(out["hits"]) <= 2


def test_query_text_keeps_order_and_drops_own_options():
    from rbdesk.cli.cmd_search import query_text

    typed = ["journalctl", "--limit=3", "-u", "--source", "ops", "kubelet", "--", "--json"]
    assert query_text(typed, ["ignored"]) == "journalctl -u kubelet --json"
    assert query_text(None, ["a", "b"]) == "a b"


def test_query_text_knows_every_option_of_search():
    import argparse

    from rbdesk.cli import cmd_search

    parser = argparse.ArgumentParser()
    cmd_search.configure(parser)
    takes_value = {o for a in parser._actions if a.nargs is None for o in a.option_strings}
    flags = {o for a in parser._actions if a.nargs == 0 for o in a.option_strings}
    assert takes_value == set(cmd_search._OPTIONS_WITH_VALUE)
    assert flags - {"-h", "--help"} == set(cmd_search._FLAGS)


def test_other_commands_still_refuse_unknown_options(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["status", "--bogus"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_data_dir_after_the_command_is_an_error_not_query_words(data_dir, capsys):
    # before dashed words were query words this was argparse's error; it must
    # not become a search for "--data-dir /elsewhere kafka"
    assert main(["search", "--data-dir", "/elsewhere", "kafka"]) == 2
    assert "--data-dir goes before the command" in capsys.readouterr().err


def test_only_options_is_a_clear_error(data_dir, capsys):
    assert main(["search", "--json"]) == 2
    assert "nothing to search for" in capsys.readouterr().err
