"""Query parsing and behaviour: filters, phrases, syntax characters, fuzzy, prefix."""

from hypothesis import given, settings
from hypothesis import strategies as st

from rbdesk.core.library.roots import LibraryRoot
from rbdesk.core.search import SearchService
from rbdesk.core.search.query import parse_query

from .conftest import FolderLibrary, write_tree


def test_parse_filters_phrases_and_plain_words():
    pq = parse_query('tag:postgres owner:"storage team" "no leader" etcdserver: FATAL: foo:bar')
    assert pq.filters == [("tag", "postgres"), ("owner", "storage team")]
    assert pq.phrases == [["no", "leader"]]
    assert pq.words == ["etcdserver:", "FATAL:", "foo:bar"]


def test_unclosed_quote_runs_to_the_end_and_typing_flag():
    pq = parse_query('a:b "unclosed phrase')
    assert pq.words == ["a:b"] and pq.phrases == [["unclosed", "phrase"]]
    assert parse_query("kube").typing and not parse_query("kube ").typing


def test_syntax_only_input_is_empty():
    for raw in ("*", "(", "-", ")", '"', "tag:", "   ", ""):
        assert parse_query(raw).empty or parse_query(raw).words, raw


NASTY = [
    'a:b "unclosed',
    "*",
    "(",
    "-",
    "((a OR b",
    "NOT",
    "a AND",
    "x^2",
    "~foo",
    "tag:",
    "alert:",
    'owner:"',
    "über straße ✓",
    "日本語のランブック",
    "\x00\x1b[201~",
    "a" * 500,
    "-rf /",
    "[x](y)",
    "foo:bar:baz",
    "'quote",
    "\\",
    "%s%d",
    "..",
    "_",
]


def test_nasty_queries_never_raise(service):
    for q in NASTY:
        for fn in (service.search, service.prefix_search):
            res = fn(q)
            assert res.total >= len(res.hits)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_random_text_never_raises(tmp_path_factory, q):
    svc = _shared_service(tmp_path_factory)
    res = svc.search(q, limit=3)
    assert res.total >= len(res.hits)
    res = svc.prefix_search(q, limit=3)
    assert res.total >= len(res.hits)


_SERVICE = {}


def _shared_service(tmp_path_factory):
    if "svc" not in _SERVICE:
        from rbdesk.core.library.roots import LibraryRoot
        from rbdesk.core.search import SearchService

        from .conftest import RUNBOOKS, FolderLibrary, write_tree

        base = tmp_path_factory.mktemp("hyp")
        root = write_tree(base / "rb", RUNBOOKS)
        _SERVICE["svc"] = SearchService(
            FolderLibrary(base / "data", [LibraryRoot("team", root, kind="folder")])
        )
    return _SERVICE["svc"]


def paths(result):
    return [h.path for h in result.hits]


def test_identifier_and_its_words_find_the_same_runbook(service):
    for q in (
        "KubePodCrashLooping",
        "kube pod crash looping",
        "crashlooping",
        "kubepodcrashlooping",
    ):
        assert paths(service.search(q))[:1] == ["k8s/KubePodCrashLooping.md"], q


def test_snake_case_identifier_and_words(service):
    for q in ("etcd_mvcc_db_total_size", "mvcc total size"):
        assert paths(service.search(q))[:1] == ["etcd/etcd_mvcc_db_total_size.md"], q


def test_word_with_colon_is_text_and_phrase_matches(service):
    res = service.search("etcdserver: no leader")
    assert paths(res)[:1] == ["etcd/etcd_mvcc_db_total_size.md"]
    assert res.hits[0].section == "Other" and "«" in res.hits[0].snippet
    assert paths(service.search('"no leader"')) == ["etcd/etcd_mvcc_db_total_size.md"]
    assert service.search('"leader no"').total == 0


def test_stemming_at_query_time(service):
    # "restarts"/"restarting" in the query, "restarting"/"Restart" in the files
    assert "k8s/KubePodCrashLooping.md" in paths(service.search("restarts"))
    assert "db/PostgresReplicationLag.md" in paths(service.search("restarting receiver"))


def test_filters(service):
    assert paths(service.search("tag:postgres")) == ["db/PostgresReplicationLag.md"]
    assert paths(service.search("owner:storage-team replica")) == ["db/PostgresReplicationLag.md"]
    assert paths(service.search("severity:critical")) == ["db/PostgresReplicationLag.md"]
    assert service.search("severity:info replica").total == 0
    assert service.search("source:team dns").total == 1
    assert service.search("source:other dns").total == 0
    assert service.search("dns", source="other").total == 0


def test_commands_keep_punctuated_tokens(service):
    assert paths(service.search("--all-namespaces"))[:1] == ["k8s/KubePodCrashLooping.md"]


def test_fuzzy_only_when_raw_finds_nothing(service):
    res = service.search("replicaton lag")
    assert res.corrected == "replication lag"
    assert paths(res)[:1] == ["db/PostgresReplicationLag.md"]
    exact = service.search("replication lag")
    assert exact.corrected is None and exact.total >= 1


def test_prefix_needs_three_characters(service):
    assert paths(service.prefix_search("coredn")) == ["net/dns-failures.md"]
    assert service.prefix_search("co").total == 0  # "co" is no whole word here
    assert service.search("coredn").corrected in (None, "coredns")  # Enter: no prefix


def test_pause_search_keeps_the_last_word_a_prefix_and_falls_back_to_whole_words(service):
    pause = service.prefix_search("coredn", snippets=True)
    assert paths(pause)[:1] == ["net/dns-failures.md"] and pause.corrected is None
    assert "«" in pause.hits[0].snippet  # the pause shows snippets
    # nothing starts with the typo: the whole-word search (with its correction) answers
    typo = service.prefix_search("replicaton", snippets=True)
    assert typo.corrected == "replication" and paths(typo)[:1] == ["db/PostgresReplicationLag.md"]
    # a space after the word: it is finished, as on Enter
    assert paths(service.prefix_search("coredn ", snippets=True)) == paths(service.search("coredn"))


def test_total_counts_before_limit_and_one_hit_per_runbook(service):
    res = service.search("the", limit=1)
    assert len(res.hits) == 1 and res.total >= 3
    res = service.search("logs", limit=10)
    assert len({h.path for h in res.hits}) == len(res.hits)


def test_cancel_token_stops_a_search(service):
    import threading

    import pytest

    from rbdesk.core.search import SearchCancelled

    ev = threading.Event()
    ev.set()
    with pytest.raises(SearchCancelled):
        service.prefix_search("pod", cancel=ev)
    assert service.prefix_search("pod", cancel=threading.Event()).total >= 1


def test_synonyms_widen_a_required_word(tmp_path):
    root = write_tree(
        tmp_path / "lib",
        {
            "node/NodeFilesystemSpaceFillingUp.md": "# Filesystem space filling up\n\nThe root "
            "filesystem is filling; clean old logs.\n",
            "db/pool.md": "# Database connection pool\n\nThe pool is exhausted.\n",
            "misc/full-moon.md": "# Full moon party\n\nNothing about storage.\n",
        },
    )
    svc = SearchService(FolderLibrary(tmp_path / "data", [LibraryRoot("t", root, "folder")]))
    try:
        # neither "disk" nor "db" is in the corpus: their synonyms are
        assert paths(svc.search("disk full"))[:1] == ["node/NodeFilesystemSpaceFillingUp.md"]
        assert paths(svc.search("db pool exhausted"))[:1] == ["db/pool.md"]
        # the word itself still counts more than a synonym
        assert paths(svc.search("full moon"))[:1] == ["misc/full-moon.md"]
    finally:
        svc.close()


def test_no_correction_to_a_shorter_word_for_short_words(service):
    # "lagg" -> "lag" is a deletion on a 4-letter word: not offered as a correction
    assert service.search("lagg").corrected is None
