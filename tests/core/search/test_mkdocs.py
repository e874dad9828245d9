"""mkdocs.yml nav titles: safe loading, unknown tags, aliases, size cap."""

from rbdesk.core.search.mkdocs import MAX_MKDOCS_BYTES, load_mkdocs, nav_titles


def test_nav_titles_with_docs_dir_and_python_tags(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "docs_dir: content\n"
        "theme: {name: material}\n"
        "extra: !ENV [HOME, x]\n"
        "fmt: !!python/name:pymdownx.superfences.fence_code_format\n"
        "nav:\n  - Intro: index.md\n  - DB:\n    - Failover: db/failover.md\n"
        "  - plain.md\n  - Ext: https://example.com\n  - Bad: ../../etc/passwd\n",
        "utf-8",
    )
    assert nav_titles(tmp_path) == {
        "content/index.md": "Intro",
        "content/db/failover.md": "Failover",
    }


def test_aliases_and_huge_files_are_refused(tmp_path):
    p = tmp_path / "mkdocs.yml"
    p.write_text("a: &x [1, 2]\nb: *x\nnav:\n  - T: t.md\n", "utf-8")
    assert load_mkdocs(p) is None
    p.write_text("nav:\n  - T: t.md\n" + "#" * MAX_MKDOCS_BYTES, "utf-8")
    assert load_mkdocs(p) is None
    p.write_text("nav: [unclosed\n", "utf-8")
    assert nav_titles(tmp_path) == {}
