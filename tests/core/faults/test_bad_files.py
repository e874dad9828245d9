"""One bad file never stops a source (#20): each hostile shape, synced from git.

For every shape: the sync publishes (also as an update of a synced source), the
file is named (sync output and ``rbdesk status`` for what could not be read,
``rbdesk lint`` for a value it could not use), the rest of the file and of the
source is shown, and no command prints a traceback (the CLI fixture fails the
test on any exception).
"""

from __future__ import annotations

import json

import pytest

GOOD = "# Disk pressure on nodes\n\nowner: sre\n\nFree space with `du -sh /var`.\n"
BODY = "\n# Bad file\n\nRestart the `widget` service.\n"
DEEP = 2000

# name -> (file text, what lint says about it, is it named by sync/status)
SHAPES: dict[str, tuple[str, str, bool]] = {
    "impossible_date": (
        f"---\ntitle: Bad file\nlast_tested: 2025-02-30\n---{BODY}",
        "RB208",
        False,
    ),
    "huge_int": (f"---\ntitle: Bad file\nweight2: !!int {'9' * 5000}\n---{BODY}", "", False),
    "huge_timestamp": (
        f"---\ntitle: Bad file\nlast_tested: !!timestamp 99999-01-01\n---{BODY}",
        "RB208",
        False,
    ),
    "deep_toml": (
        f'+++\ntitle = "Bad file"\nx = {"[" * DEEP}{"]" * DEEP}\n+++{BODY}',
        "RB106",
        True,
    ),
    "deep_toml_tables": (
        f'+++\ntitle = "Bad file"\nx = {"{a=" * DEEP}1{"}" * DEEP}\n+++{BODY}',
        "RB106",
        True,
    ),
    "deep_yaml": (f"---\ntitle: Bad file\nx: {'[' * DEEP}{']' * DEEP}\n---{BODY}", "RB106", True),
    "invalid_yaml_template": (  # a Hugo archetype: a lint finding, as it always was
        f'---\ntitle: "{{{{ replace .Name "-" " " | title }}}}"\n---{BODY}',
        "RB106",
        False,
    ),
    "yaml_aliases": (f"---\na: &x 1\nb: *x\n---{BODY}", "RB106", True),
    "yaml_date_in_list": (f"---\ntitle: Bad file\ntags: [2025-02-30, x]\n---{BODY}", "", False),
    "lfs_pointer": (
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e9ca24d17e2393\n"
        "size 12345\n",
        "RB115",
        True,
    ),
}


def _check_source(cli, shape: str, sync_out: str) -> None:
    _text, code, named = SHAPES[shape]
    assert ("bad.md" in sync_out) == named, sync_out
    code_, out, _ = cli("search", "disk", "pressure")
    assert code_ == 0 and "Disk pressure on nodes" in out  # the rest of the source
    code_, out, err = cli("show", "bad.md")
    assert code_ == 0, err
    if shape == "lfs_pointer":
        assert "Content not downloaded (Git LFS)" in out and "sha256" not in out
    else:
        assert "Restart the" in out  # the rest of the file
    status = json.loads(cli("status", "--json")[1])["sources"][0]
    assert status["last_error"] is None
    assert any("bad.md" in p for p in status["problems"]) == named, status["problems"]
    if named:
        code_, out, _ = cli("doctor")
        assert "bad.md" in out and "check the network" not in out
    if code:
        code_, out, _ = cli("lint", str(cli.data_dir / "sources"))
        assert "bad.md:" in out and code in out, out


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_bad_file_in_the_first_sync(cli, sync_ops, shape):
    repo = sync_ops({"good.md": GOOD, "bad.md": SHAPES[shape][0]})  # asserts the sync exits 0
    status = json.loads(cli("status", "--json")[1])["sources"][0]
    assert status["commit"] == repo.head(), "the first sync published"
    _check_source(cli, shape, " ".join(status["problems"]))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_bad_file_arriving_in_an_update_is_published(cli, sync_ops, shape):
    repo = sync_ops({"good.md": GOOD})
    first = json.loads(cli("status", "--json")[1])["sources"][0]["commit"]
    repo.set_files({"good.md": GOOD, "bad.md": SHAPES[shape][0]}, "add a bad file")
    code, out, err = cli("sync")
    assert code == 0, err
    assert "could not be built" not in out + err
    now = json.loads(cli("status", "--json")[1])["sources"][0]["commit"]
    assert now != first and now == repo.head()
    _check_source(cli, shape, out)


def _site(config: str, body: str) -> dict[str, str]:
    return {
        config: body,
        "content/runbooks/disk.md": GOOD,
        "content/runbooks/_index.md": "# Runbooks\n",
    }


@pytest.mark.parametrize("config", ["hugo.toml", "hugo.json", "config.yaml"])
def test_a_hostile_docs_site_config_is_ignored_and_other_sources_still_resolve(
    cli, tmp_path, config
):
    from tests.core.sync.gitfixtures import Repo

    deep = {
        "hugo.toml": f'baseURL = "https://evil.example/"\nx = {"[" * 3000}{"]" * 3000}\n',
        "hugo.json": f'{{"baseURL": "https://evil.example/", "x": {"[" * 3000}{"]" * 3000}}}',
        "config.yaml": f"baseURL: https://evil.example/\nx: {'[' * 3000}{']' * 3000}\n",
    }[config]
    evil = Repo(tmp_path / "served" / "evil")
    evil.set_files(_site(config, deep), "first")
    good = Repo(tmp_path / "served" / "good")
    good.set_files(_site("hugo.toml", 'baseURL = "https://runbooks.example.dev/"\n'), "first")
    assert cli("source", "add", "evil", evil.url)[0] == 0
    assert cli("source", "add", "good", good.url)[0] == 0
    code, out, err = cli("sync")
    assert code == 0, err
    code, out, err = cli("show", "https://runbooks.example.dev/runbooks/disk/")
    assert code == 0 and "Disk pressure on nodes" in out, err
    code, out, err = cli("show", "https://evil.example/runbooks/disk/")  # the CLI fixture
    assert code in (0, 1) and "Traceback" not in err  # fails the test on any traceback
    code, out, _ = cli("doctor")
    assert f"docs site evil: config {config}: is nested more than 64 levels deep: ignored" in out
