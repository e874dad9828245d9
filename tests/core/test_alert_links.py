"""Every runbook link form opens the local copy: docs sites (Hugo, MkDocs, --docs-url),
GitHub / GitLab / Gitea URL forms, case-insensitive paths, the page name as a last resort."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rbdesk.core.errors import ConfigError, NotFoundError
from rbdesk.core.facade import Library
from rbdesk.core.library.docsite import DocSite, read_docsite, site_candidates, url_rest
from rbdesk.core.library.roots import LibraryRoot
from rbdesk.core.sync import SourceStatus
from rbdesk.core.sync.urls import UnsafeURLError, validate_docs_url
from rbdesk.core.usecases.refs import RefResolver, resolve_ref
from tests.core.alertfixtures import HUGO_FILES, MKDOCS_FILES, synced_library

CRASH = "content/runbooks/kubernetes/KubePodCrashLooping.md"


@pytest.fixture()
def hugo_lib(data_dir, tmp_path):
    return synced_library(data_dir, tmp_path, {"po": HUGO_FILES})


# -- Hugo ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping",
        "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping/",
        "http://runbooks.example.dev/runbooks/kubernetes/KubePodCrashLooping/",
        "https://RUNBOOKS.example.dev/runbooks/kubernetes/kubepodcrashlooping/index.html",
        "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping/?x=1#diagnosis",
    ],
)
def test_hugo_site_urls_open_the_local_copy(hugo_lib, url):
    res = resolve_ref(hugo_lib, url)
    assert (res.source, res.relpath, res.how) == ("po", CRASH, "url")
    if "#" in url:
        assert res.anchor == "diagnosis"


def test_hugo_section_and_home_pages_are_index_files(hugo_lib):
    assert (
        resolve_ref(hugo_lib, "https://runbooks.example.dev/runbooks/kubernetes/").relpath
        == "content/runbooks/kubernetes/_index.md"
    )
    assert resolve_ref(hugo_lib, "https://runbooks.example.dev/").relpath == "content/_index.md"


def test_unknown_page_of_a_known_site_names_the_nearest_and_fails(hugo_lib):
    with pytest.raises(NotFoundError) as err:
        resolve_ref(hugo_lib, "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashloop")
    text = str(err.value)
    assert "not in the local copy" in text
    assert f"po:{CRASH}" in text
    assert err.value.exit_code == 1


def test_page_name_is_the_last_resort_for_an_unmapped_site(hugo_lib):
    # A wiki that is not this repository's site: the page name is the alert name.
    res = resolve_ref(hugo_lib, "https://wiki.example.com/display/OPS/target-down")
    assert (res.relpath, res.how) == ("content/runbooks/general/TargetDown.md", "url-name")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("config.toml", 'baseURL = "https://rb.example.dev/sub/"\ncontentDir = "pages"\n'),
        ("hugo.toml", 'baseurl = "https://rb.example.dev/sub"\ncontentDir = "pages"\n'),
        ("hugo.yaml", "baseURL: https://rb.example.dev/sub/\ncontentDir: pages\n"),
        (
            "config/_default/hugo.json",
            '{"baseURL": "https://rb.example.dev/sub/", "contentDir": "pages"}',
        ),
    ],
)
def test_hugo_config_forms(tmp_path, name, text):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text, "utf-8")
    site = read_docsite(tmp_path)
    assert site == DocSite("https://rb.example.dev/sub/", "pages", "hugo", True, name)
    assert url_rest(site.base_url, "https://rb.example.dev/sub/a/b/") == "a/b"
    assert url_rest(site.base_url, "https://rb.example.dev/other/a") is None


def test_hostile_configs_are_ignored(tmp_path):
    (tmp_path / "config.yaml").write_text("a: &x [1]\nb: *x\nbaseURL: https://x.dev/\n", "utf-8")
    # aliases refused by the safe loader: the line scan still finds baseURL
    assert read_docsite(tmp_path).base_url == "https://x.dev/"
    (tmp_path / "config.yaml").write_text("baseURL: ftp://x.dev/\ncontentDir: ../../etc\n")
    assert read_docsite(tmp_path) is None
    (tmp_path / "config.yaml").write_text("baseURL: https://x.dev/\ncontentDir: ../../etc\n")
    assert read_docsite(tmp_path).content_dir == "content"  # never outside the snapshot
    (tmp_path / "config.yaml").write_text("baseURL: https://x.dev/\n" + "#" * 300_000)
    assert read_docsite(tmp_path) is None  # over the size cap


# -- MkDocs -------------------------------------------------------------------------------
def test_mkdocs_site_url_docs_dir_and_html_pages(data_dir, tmp_path):
    lib = synced_library(data_dir, tmp_path, {"hb": MKDOCS_FILES})
    site = read_docsite(lib.root("hb").root)
    assert (site.kind, site.base_url, site.content_dir, site.directory_urls) == (
        "mkdocs",
        "https://ops.example.org/handbook/",
        "pages",
        False,
    )
    res = resolve_ref(
        lib, "https://ops.example.org/handbook/databases/postgres-replication-lag.html"
    )
    assert res.relpath == "pages/databases/Postgres-Replication-Lag.md"
    assert res.how == "url"
    res = resolve_ref(lib, "https://ops.example.org/handbook/databases/Postgres-Replication-Lag/")
    assert res.relpath == "pages/databases/Postgres-Replication-Lag.md"
    assert resolve_ref(lib, "https://ops.example.org/handbook/").relpath == "pages/index.md"


def test_site_candidates_cover_hugo_and_mkdocs_layouts():
    hugo = DocSite("https://x/", "content", "hugo")
    assert site_candidates(hugo, "a/b/") == [
        "content/a/b.md",
        "content/a/b.markdown",
        "content/a/b/_index.md",
        "content/a/b/index.md",
        "content/a/b/README.md",
    ]
    root = DocSite("https://x/", "", "configured")
    assert site_candidates(root, "a.html")[0] == "a.md"


# -- --docs-url -----------------------------------------------------------------------------
def test_docs_url_is_validated_stored_and_used(data_dir, tmp_path):
    files = {k.replace("content/", "site/"): v for k, v in HUGO_FILES.items() if k != "config.yaml"}
    lib = Library(data_dir)
    repo_dir = tmp_path / "plain"
    for rel, text in files.items():
        (repo_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo_dir / rel).write_text(text, "utf-8")
    with pytest.raises(UnsafeURLError):
        lib.sync.add_source("ops", str(repo_dir), docs_url="javascript:alert(1)")
    assert not (data_dir / "sources.json").exists()  # nothing written when refused
    lib.sync.add_source("ops", str(repo_dir), docs_url="https://Docs.Example.com/ops")
    saved = json.loads((data_dir / "sources.json").read_text())["sources"][0]
    assert saved["docs_url"] == "https://docs.example.com/ops/"
    assert lib.sync.sync()[0].ok
    res = resolve_ref(
        lib, "https://docs.example.com/ops/site/runbooks/kubernetes/kubepodcrashlooping/"
    )
    assert res.relpath == "site/runbooks/kubernetes/KubePodCrashLooping.md"
    assert lib.sync.status()[0].docs_url == "https://docs.example.com/ops/"


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://docs.example.com/",
        "https://user:pw@docs.example.com/",
        "https://docs.example.com/?q=1",
        "https://docs.example.com/#x",
        "https://docs\x1b.example.com/",
        "docs.example.com",
    ],
)
def test_docs_url_validation_refuses(bad):
    with pytest.raises(UnsafeURLError):
        validate_docs_url(bad)


def test_broken_docs_url_in_sources_json_is_a_config_error(data_dir):
    (data_dir / "sources.json").write_text(
        json.dumps({"sources": [{"name": "a", "url": "/tmp", "docs_url": "file:///etc"}]})
    )
    with pytest.raises(ConfigError, match="docs_url"):
        Library(data_dir).sync.sources()


# -- GitHub / GitLab / Gitea forms ------------------------------------------------------------
@pytest.fixture()
def forge_lib(tmp_path, data_dir, monkeypatch):
    root = tmp_path / "tree"
    for rel, text in HUGO_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    lib = Library(data_dir)
    roots = [
        LibraryRoot("gh", root, "git", "c1"),
        LibraryRoot("gl", root, "git", "c2"),
        LibraryRoot("gt", root, "git", "c3"),
    ]
    monkeypatch.setattr(lib, "roots", lambda: roots)

    def st(name, url):
        return SourceStatus(name, url, None, None, None, None, None, None, None, 0, False)

    statuses = [
        st("gh", "git@github.com:prometheus-operator/runbooks.git"),
        st("gl", "https://gitlab.example.com/ops/sre/runbooks.git"),
        st("gt", "https://codeberg.org/ops/runbooks"),
    ]
    monkeypatch.setattr(lib.sync, "status", lambda: statuses)
    return lib


@pytest.mark.parametrize(
    ("url", "source", "anchor"),
    [
        (f"https://github.com/prometheus-operator/runbooks/blob/main/{CRASH}", "gh", ""),
        (
            f"https://github.com/prometheus-operator/runbooks/blob/main/{CRASH}?plain=1#L14",
            "gh",
            "diagnosis",
        ),
        (f"https://github.com/Prometheus-Operator/Runbooks/raw/main/{CRASH}", "gh", ""),
        (f"https://github.com/prometheus-operator/runbooks/edit/main/{CRASH}", "gh", ""),
        (f"https://github.com/prometheus-operator/runbooks/blame/feature/x/{CRASH}", "gh", ""),
        (f"https://raw.githubusercontent.com/prometheus-operator/runbooks/main/{CRASH}", "gh", ""),
        (f"https://github.com/prometheus-operator/runbooks/blob/main/{CRASH.lower()}", "gh", ""),
        (f"https://gitlab.example.com/ops/sre/runbooks/-/blob/main/{CRASH}", "gl", ""),
        (f"https://gitlab.example.com/ops/sre/runbooks/-/raw/main/{CRASH}?inline=false", "gl", ""),
        (
            f"https://gitlab.example.com/ops/sre/runbooks/-/edit/main/{CRASH}#meaning",
            "gl",
            "meaning",
        ),
        (f"https://codeberg.org/ops/runbooks/src/branch/main/{CRASH}", "gt", ""),
    ],
)
def test_forge_url_forms(forge_lib, url, source, anchor):
    res = resolve_ref(forge_lib, url)
    assert (res.source, res.relpath, res.anchor, res.how) == (source, CRASH, anchor, "url")


def test_tree_url_of_a_folder_opens_its_index(forge_lib):
    res = resolve_ref(
        forge_lib, "https://github.com/prometheus-operator/runbooks/tree/main/content/runbooks"
    )
    assert res.relpath == "content/runbooks/_index.md"


def test_unsynced_repository_is_not_guessed_by_name(forge_lib):
    with pytest.raises(NotFoundError) as err:
        resolve_ref(forge_lib, f"https://github.com/someone/else/blob/main/{CRASH}")
    assert "not a runbook of a synced source" in str(err.value)
    assert f"gh:{CRASH}" in str(err.value)  # but the nearest local runbook is named


def test_moved_file_in_a_synced_repository_falls_back_to_its_name(forge_lib):
    res = resolve_ref(
        forge_lib,
        "https://github.com/prometheus-operator/runbooks/blob/main/old/KubePodCrashLooping.md",
    )
    assert (res.relpath, res.how) == (CRASH, "url-name")


def test_by_alert_name_ignores_case_and_separators(forge_lib):
    r = RefResolver(forge_lib)
    assert r.by_alert_name("kube-pod-crash_looping").relpath == CRASH
    assert r.by_alert_name("") is None


# -- real data ---------------------------------------------------------------------------------
@pytest.mark.shared
@pytest.mark.slow
def test_prometheus_operator_site_urls_all_open(shared_dir, data_dir, tmp_path):
    """Every runbook of the real prometheus-operator/runbooks content opens from its
    https://runbooks.prometheus-operator.dev/runbooks/<group>/<lowercasealertname> URL."""
    corpus = shared_dir / "corpora" / "prometheus-operator-runbooks" / "content"
    if not corpus.is_dir():
        pytest.skip("prometheus-operator corpus absent")
    tree = tmp_path / "po"
    shutil.copytree(corpus, tree / "content")
    (tree / "config.yaml").write_text(
        "baseURL: https://runbooks.prometheus-operator.dev/\ntitle: Runbooks\n", "utf-8"
    )
    lib = Library(data_dir)
    lib.sync.add_source("po", str(tree))
    assert lib.sync.sync()[0].ok
    resolver = RefResolver(lib)
    pages = [p for p in sorted(corpus.glob("runbooks/*/*.md")) if p.name != "_index.md"]
    assert len(pages) > 90
    opened = 0
    for p in pages:
        url = f"https://runbooks.prometheus-operator.dev/runbooks/{p.parent.name}/{p.stem.lower()}"
        res = resolver.resolve(url)
        assert res.relpath == Path(p).relative_to(corpus.parent).as_posix(), url
        assert res.how == "url"
        opened += 1
    assert opened == len(pages)


@pytest.mark.parametrize(
    ("url", "relpath"),
    [
        ("https://runbooks.example.dev/inhibitor/", "content/runbooks/general/InfoInhibitor.md"),
        (
            "https://runbooks.example.dev/runbooks/general/info-inhibitor-old/",
            "content/runbooks/general/InfoInhibitor.md",
        ),
        (
            "https://runbooks.example.dev/runbooks/general/legacy-inhibitor.html",
            "content/runbooks/general/InfoInhibitor.md",
        ),
        (
            "https://runbooks.example.dev/runbooks/general/dead-mans-switch/",
            "content/runbooks/general/Watchdog.md",
        ),
    ],
)
def test_hugo_front_matter_url_slug_and_aliases(hugo_lib, url, relpath):
    res = resolve_ref(hugo_lib, url)
    assert (res.relpath, res.how) == (relpath, "url")
