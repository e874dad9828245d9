"""rbdesk source add|list|remove."""

from __future__ import annotations

import json

import pytest

from rbdesk.cli.main import main
from rbdesk.core.sync.git import GitRunner
from tests.core.sync.gitfixtures import Repo


@pytest.fixture()
def repo(tmp_path):
    r = Repo(tmp_path / "src")
    r.set_files({"a.md": "# a\n"}, "first")
    return r


def test_add_list_remove(data_dir, repo, capsys):
    assert main(["source", "add", "ops", repo.url, "--branch", "main"]) == 0
    out = capsys.readouterr().out
    assert f"added source 'ops' (git: {repo.url}, branch main)" in out
    assert "rbdesk sync ops" in out
    assert main(["source", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["sources"]
    assert listed == [
        {
            "name": "ops",
            "url": repo.url,
            "kind": "git",
            "branch": "main",
            "subdir": None,
            "rank": 1,
        }
    ]
    assert main(["source", "list"]) == 0
    assert capsys.readouterr().out.split() == ["1.", "ops", "git", repo.url, "branch=main"]
    assert main(["source", "add", "ops", repo.url]) == 2
    assert "a source named 'ops' already exists" in capsys.readouterr().err
    assert main(["source", "remove", "ops"]) == 0
    assert main(["source", "remove", "ops"]) == 1
    assert "no source named 'ops'" in capsys.readouterr().err
    assert main(["source", "list"]) == 0
    assert "no sources configured" in capsys.readouterr().out


@pytest.mark.parametrize(
    "url",
    [
        "ext::sh -c touch% {marker}",
        "--upload-pack=touch {marker}",
        "-oProxyCommand=touch {marker}",
        "fd::17",
        "https://example.com/x\x07{marker}",
        "https://user:hunter2@example.com/x.git",
    ],
)
def test_hostile_url_refused_before_anything_runs(data_dir, tmp_path, capsys, monkeypatch, url):
    marker = tmp_path / "pwned"
    monkeypatch.setattr(GitRunner, "start", lambda *a, **k: pytest.fail("git ran"))
    assert main(["source", "add", "evil", "--", url.format(marker=marker)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rbdesk: refused source URL") and "hunter2" not in err
    assert not (data_dir / "sources.json").exists()
    assert not marker.exists()


def test_plain_folder_source(data_dir, tmp_path, capsys):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "x.md").write_text("# x\n")
    assert main(["source", "add", "notes", str(folder)]) == 0
    assert f"(folder: {folder})" in capsys.readouterr().out
