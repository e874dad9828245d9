"""REF resolution: paths, source:path, ids, alerts, GitHub/GitLab/docs URLs."""

from __future__ import annotations

import pytest

from rbdesk.core.errors import NotFoundError
from rbdesk.core.facade import Library
from rbdesk.core.library.roots import LibraryRoot, RunbookFile
from rbdesk.core.sync import SourceStatus
from rbdesk.core.usecases.refs import RefResolver, repo_key, resolve_ref


@pytest.fixture()
def lib(tmp_path, data_dir, monkeypatch):
    root = tmp_path / "ops"
    (root / "db").mkdir(parents=True)
    (root / "db" / "postgres-failover.md").write_text(
        "# Postgres failover\n\n## Promote\n", "utf-8"
    )
    (root / "RUN-007-disk.md").write_text("# Disk\n\ntext\n\n## Later\n", "utf-8")
    (root / "docs" / "guide").mkdir(parents=True)
    (root / "docs" / "guide" / "index.md").write_text("# Guide\n", "utf-8")
    (root / "notes.txt").write_text("not a runbook", "utf-8")
    library = Library(data_dir)
    roots = [LibraryRoot("ops", root, "git", "abc1234")]
    monkeypatch.setattr(library, "roots", lambda: roots)
    status = SourceStatus(
        "ops",
        "git@github.com:Acme/Runbooks.git",
        "main",
        "abc1234",
        None,
        None,
        None,
        None,
        None,
        3,
        False,
    )
    monkeypatch.setattr(library.sync, "status", lambda: [status])
    return library


def test_repo_key_forms():
    assert repo_key("git@github.com:Acme/Runbooks.git") == "github.com/acme/runbooks"
    assert repo_key("https://user@github.com/acme/runbooks") == "github.com/acme/runbooks"
    assert repo_key("ssh://git@gitlab.com/grp/sub/rb.git") == "gitlab.com/grp/sub/rb"


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/runbooks/blob/main/db/postgres-failover.md#promote",
        "https://github.com/Acme/Runbooks/blob/release/2024/db/postgres-failover.md#promote",
        "https://raw.githubusercontent.com/acme/runbooks/main/db/postgres-failover.md#promote",
    ],
)
def test_github_urls_map_to_local_copy(lib, url):
    res = resolve_ref(lib, url)
    assert (res.source, res.relpath, res.anchor, res.how) == (
        "ops",
        "db/postgres-failover.md",
        "promote",
        "url",
    )


def test_gitlab_url(lib, monkeypatch):
    st = SourceStatus(
        "ops",
        "https://gitlab.com/grp/sub/rb.git",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        0,
        False,
    )
    monkeypatch.setattr(lib.sync, "status", lambda: [st])
    res = resolve_ref(lib, "https://gitlab.com/grp/sub/rb/-/blob/main/RUN-007-disk.md")
    assert res.relpath == "RUN-007-disk.md"


def test_line_anchor_becomes_section(lib):
    res = resolve_ref(lib, "https://github.com/acme/runbooks/blob/main/RUN-007-disk.md#L6")
    assert res.anchor == "later"


def test_docs_prefix(lib):
    res = resolve_ref(
        lib,
        "https://docs.acme.io/rb/docs/guide/#x",
        docs_prefixes={"ops": "https://docs.acme.io/rb"},
    )
    assert (res.relpath, res.anchor) == ("docs/guide/index.md", "x")


def test_unknown_url_explains(lib):
    with pytest.raises(NotFoundError, match="not a runbook of a synced source"):
        resolve_ref(lib, "https://github.com/other/repo/blob/main/db/postgres-failover.md")


def test_paths_ids_and_alert_like_names(lib, tmp_path):
    assert resolve_ref(lib, "db/postgres-failover.md#promote").anchor == "promote"
    assert resolve_ref(lib, "ops:db/postgres-failover.md").relpath == "db/postgres-failover.md"
    assert resolve_ref(lib, "RUN-007").relpath == "RUN-007-disk.md"
    assert resolve_ref(lib, "run-007").how == "id"
    assert resolve_ref(lib, "postgres-failover").how == "alert"
    assert resolve_ref(lib, "Postgres failover").relpath == "db/postgres-failover.md"
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# Elsewhere\n", "utf-8")
    res = resolve_ref(lib, str(outside))
    assert res.source == "" and res.file.path == outside.resolve()


def test_relative_links_stay_inside_the_source(lib, tmp_path):
    current = RunbookFile(
        "ops", "db/postgres-failover.md", tmp_path / "ops/db/postgres-failover.md"
    )
    r = RefResolver(lib, local_files=False)
    assert r.resolve("../RUN-007-disk.md#later", current).relpath == "RUN-007-disk.md"
    assert r.resolve("#promote", current).relpath == "db/postgres-failover.md"
    for bad in ("../../../../etc/passwd", "../notes.txt", "/etc/passwd"):
        with pytest.raises(NotFoundError):
            r.resolve(bad, current)


@pytest.mark.parametrize(
    "ref", ["file:///etc/passwd", "javascript:alert(1)", "", "nothing-like-this"]
)
def test_refused_or_unknown(lib, ref):
    with pytest.raises(NotFoundError):
        resolve_ref(lib, ref)


def test_relative_path_prefers_the_library_over_the_current_folder(tmp_path, monkeypatch):
    from rbdesk.core.facade import Library
    from rbdesk.core.usecases.refs import resolve_ref

    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("# Not the library's\n")
    lib = Library(tmp_path / "data")
    res = resolve_ref(lib, "README.md")
    assert res.file.source == "samples"
    local = resolve_ref(lib, "./README.md")
    assert local.file.path == (tmp_path / "README.md").resolve()


# -- one precedence between sources (issue 19) ----------------------------------------------
from tests.core.precedence_fixtures import (  # noqa: E402
    ALERT,
    BLOB,
    COMMUNITY_ALERT,
    IDENT,
    TEAM_ALERT,
    TEAM_ID,
    collided_fixture,  # noqa: F401 (the "collided" fixture)
)


@pytest.mark.parametrize(
    ("site", "remotes", "ok"),
    [
        ("https://github.com/", [], False),
        ("https://raw.githubusercontent.com/x/", [], False),
        ("https://gitlab.com/group/", [], False),
        ("https://runbooks.example.dev/", ["git@gitlab.example.com:ops/rb.git"], True),
        ("https://gitlab.example.com/docs/", ["git@gitlab.example.com:ops/rb.git"], False),
        ("https://GIT.example.com/", ["https://git.example.com/ops/rb"], False),
        ("https://acme.github.io/runbooks/", ["https://github.com/acme/runbooks.git"], True),
    ],
)
def test_a_declared_docs_site_may_not_sit_on_a_forge_or_a_remote_host(site, remotes, ok):
    from rbdesk.core.usecases.refs import may_claim_site

    assert may_claim_site(site, remotes) is ok


def test_rank_major_resolution_and_also(collided):
    lib = Library(collided)
    res = resolve_ref(lib, ALERT)
    assert (res.source, res.relpath, res.how) == ("team", TEAM_ALERT, "alert")
    assert [(o.source, o.relpath) for o in res.also] == [("community", COMMUNITY_ALERT)]
    assert res.also_line() == f"also in: community ({COMMUNITY_ALERT})"
    res = resolve_ref(lib, IDENT)
    assert (res.source, res.relpath, res.how) == ("team", TEAM_ID, "id")
    res = resolve_ref(lib, BLOB)
    assert (res.source, res.relpath, res.how, res.also) == ("team", TEAM_ALERT, "url", ())
    hits = RefResolver(lib).all_alert_hits(ALERT.lower())  # any case: the same list
    assert [(h.source, h.relpath) for h in hits] == [
        ("team", TEAM_ALERT),
        ("community", COMMUNITY_ALERT),
    ]


def test_names_come_from_the_index_without_walking_synced_sources(collided, monkeypatch):
    """A miss on synced sources reads their indexes' term lists: no walk, no parse."""
    import rbdesk.core.library.roots as roots_mod

    lib = Library(collided)
    synced = {r.root for r in lib.roots()}
    walked: list = []
    real_walk = roots_mod.iter_runbook_files

    def walk(root, *a, **k):
        walked.append(root)
        return real_walk(root, *a, **k)

    parsed: list = []
    real_load = Library.load
    monkeypatch.setattr(roots_mod, "iter_runbook_files", walk)
    monkeypatch.setattr(Library, "load", lambda self, f: parsed.append(f) or real_load(self, f))
    resolver = RefResolver(lib, local_files=False)
    assert resolver.by_alert_name("NoSuchAlertAnywhere") is None
    assert resolver.nearest("KubePodCrashLoopin")[0] == f"team:{TEAM_ALERT}"
    assert not [p for p in parsed if p.source in ("team", "community")]
    assert not synced & set(walked)
    hit = resolver.by_alert_name("kube_pod_crash_looping")  # compact form, from the index
    assert (hit.source, hit.relpath) == ("team", TEAM_ALERT)


def test_the_bundled_samples_are_no_rival_source(collided):
    """A sample runbook behind configured sources still opens, but is never 'also in'."""
    lib = Library(collided)
    res = resolve_ref(lib, "README.md")  # the sources have none: the samples' opens
    assert res.source == "samples" and res.also == ()
    (lib.root("team").root / "README.md").write_text("# Team readme\n", "utf-8")
    res = resolve_ref(lib, "README.md")
    assert res.source == "team" and res.also == ()  # not "also in: samples"
