"""One precedence between sources in every CLI front end (issue 19, item 4).

A collided alert name, id and URL resolve to the same runbook in ``show``,
``open``, ``copy``, ``alert NAME``, ``alert -``, ``runs start`` and ``print``;
the others say "also in: community"; ``source move`` flips the winner
everywhere, except for a repository URL of the team's own remote, which
always opens the team's file.
"""

from __future__ import annotations

import io
import json
import sys

import pytest

from rbdesk.cli.main import main
from tests.core.precedence_fixtures import (
    ALERT,
    BLOB,
    COMMUNITY_ALERT,
    COMMUNITY_ID,
    IDENT,
    MISSING_BLOB,
    TEAM_ALERT,
    TEAM_ID,
    TITLES,
    collided_fixture,  # noqa: F401 (the "collided" fixture)
    paste,
)


def where_each_front_end_goes(capsys, monkeypatch, tmp_path, ref: str) -> dict[str, tuple]:
    """(source, path) each front end opens for ref, with what it said on stderr."""
    out: dict[str, tuple] = {}
    assert main(["open", ref, "--print"]) == 0
    said = capsys.readouterr()
    out["open"] = (tuple(said.out.splitlines()[0].split("#")[0].split(":", 1)), said.err)
    assert main(["show", ref]) == 0
    said = capsys.readouterr()
    out["show"] = (tuple(said.out.splitlines()[0].split("#")[0].split(":", 1)), said.err)
    assert main(["copy", ref, "1"]) == 0
    said = capsys.readouterr()
    copied = {
        "team": ("kubectl -n team", "echo team"),
        "community": ("kubectl -n community", "echo community"),
    }
    src = next(s for s, starts in copied.items() if said.out.startswith(starts))
    out["copy"] = (src, said.err)
    assert main(["runs", "start", ref, "--initials", "AB"]) == 0
    run_id = capsys.readouterr().out.strip()
    assert main(["runs", "show", run_id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["runbook"]
    out["runs"] = (tuple(shown.split(":", 1)), "")
    return out


def assert_all_open(found: dict[str, tuple], source: str, path: str) -> None:
    for front, (where, _err) in found.items():
        if front == "copy":
            assert where == source, front
        else:
            assert where == (source, path), front


@pytest.mark.parametrize(
    ("ref", "path", "other"),
    [(ALERT, TEAM_ALERT, COMMUNITY_ALERT), (IDENT, TEAM_ID, COMMUNITY_ID)],
)
def test_collided_name_and_id_open_the_higher_ranked_source_everywhere(
    collided, capsys, monkeypatch, tmp_path, ref, path, other
):
    found = where_each_front_end_goes(capsys, monkeypatch, tmp_path, ref)
    assert_all_open(found, "team", path)
    for front in ("show", "copy", "open"):
        assert f"rbdesk: also in: community ({other})" in found[front][1], front
    # the id in community's file name does not beat team's front-matter id, and rank flips it
    assert main(["source", "move", "community", "--before", "team"]) == 0
    assert "precedence now: 1. community, 2. team" in capsys.readouterr().out
    flipped = where_each_front_end_goes(capsys, monkeypatch, tmp_path, ref)
    assert_all_open(flipped, "community", other)
    assert f"also in: team ({path})" in flipped["show"][1]


def test_alert_name_json_lists_every_hit_in_rank_order(collided, capsys):
    assert main(["alert", ALERT, "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert [(h["source"], h["path"]) for h in hits] == [
        ("team", TEAM_ALERT),
        ("community", COMMUNITY_ALERT),
    ]
    assert hits[0]["title"] == TITLES[("team", TEAM_ALERT)]
    assert {"source", "path", "title", "section", "anchor", "owner", "severity"} <= set(hits[0])
    assert main(["source", "move", "team", "--after", "community"]) == 0
    capsys.readouterr()
    assert main(["alert", ALERT]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert lines[0].startswith(TITLES[("community", COMMUNITY_ALERT)])
    assert "[team:" in lines[1] and "lower rank" in lines[1]


def feed(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


def test_pasted_alert_follows_the_same_precedence(collided, capsys, monkeypatch):
    feed(monkeypatch, paste(runbook_url=""))
    assert main(["alert", "-", "--json"]) == 0
    rb = json.loads(capsys.readouterr().out)["runbook"]
    assert (rb["source"], rb["path"], rb["fallback"]) == ("team", TEAM_ALERT, "")
    assert [(o["source"], o["path"]) for o in rb["also"]] == [("community", COMMUNITY_ALERT)]
    feed(monkeypatch, paste(runbook_url=""))
    assert main(["alert", "-"]) == 0
    assert f"also in: community ({COMMUNITY_ALERT})" in capsys.readouterr().out


def test_repository_url_beats_a_docs_site_on_github(collided, capsys, monkeypatch):
    """community's Hugo baseURL github.com + aliases must not capture the team's blob link,
    whatever the rank."""
    for _ in range(2):
        assert main(["show", BLOB]) == 0
        assert capsys.readouterr().out.startswith(f"team:{TEAM_ALERT}")
        feed(monkeypatch, paste(runbook_url=BLOB))
        assert main(["alert", "-", "--json"]) == 0
        rb = json.loads(capsys.readouterr().out)["runbook"]
        assert (rb["source"], rb["path"], rb["how"]) == ("team", TEAM_ALERT, "url")
        assert main(["source", "move", "community"]) == 0  # to the top
        capsys.readouterr()


def test_missing_page_falls_back_by_alert_name_and_says_so(collided, capsys, monkeypatch):
    # the alias for the missing page is on github.com: community may not claim it
    assert main(["show", MISSING_BLOB]) == 1
    assert "hijack" not in capsys.readouterr().out
    feed(monkeypatch, paste(runbook_url=MISSING_BLOB))
    assert main(["alert", "-", "--json"]) == 0
    rb = json.loads(capsys.readouterr().out)["runbook"]
    assert (rb["source"], rb["path"]) == ("team", TEAM_ALERT)
    assert "runbook_url did not open" in rb["fallback"]
    feed(monkeypatch, paste(runbook_url=MISSING_BLOB))
    assert main(["alert", "-"]) == 0
    assert "fallback: its runbook_url did not open" in capsys.readouterr().out


def test_print_uses_the_same_precedence(qapp, collided, capsys, tmp_path):
    from tests.cli.test_print_cli import flat_text

    out = tmp_path / "x.pdf"
    assert main(["print", IDENT, "-o", str(out)]) == 0
    assert f"also in: community ({COMMUNITY_ID})" in capsys.readouterr().err
    text = flat_text(out)
    assert "Teamdatabasefailover" in text and "Communitylookalike" not in text


def test_status_and_source_list_show_the_rank(collided, capsys):
    assert main(["source", "list"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert lines[0].startswith("1. team") and lines[1].startswith("2. community")
    assert main(["status", "--json"]) == 0
    ranks = [(s["name"], s["rank"]) for s in json.loads(capsys.readouterr().out)["sources"]]
    assert ranks == [("team", 1), ("community", 2)]
    assert main(["status"]) == 0
    assert capsys.readouterr().out.startswith("1. team")
    assert main(["source", "move", "nosuch"]) == 1
    assert "no source named 'nosuch'" in capsys.readouterr().err
    assert main(["source", "move", "team", "--before", "team"]) == 2
    assert "relative to itself" in capsys.readouterr().err
