"""Ranking without a recall cliff: partial matches fill the page, all-word
matches rank first, question words never decide recall, the library's own
acronyms and singular/plural name forms widen a query."""

from __future__ import annotations

import pytest

from rbdesk.core.library.roots import LibraryRoot
from rbdesk.core.search import SearchService
from rbdesk.core.search import text as tx

from .conftest import FolderLibrary, write_tree

FILES = {
    "oncall/paging.md": "# Paging delivery\n\nWhen pages are not reaching the on-call engineer, "
    "check the paging provider's delivery log and the escalation policy.\n",
    "dr/objectives.md": "# Disaster recovery targets\n\nOur Recovery Time Objective (RTO) is "
    "four hours and the RPO (recovery point objective) is fifteen minutes.\n",
    "dr/restore.md": "# Restore from backup\n\nRestoring must finish within the recovery time "
    "objective agreed with the business.\n",
    "apps/Widgets.md": "# Widgets\n\nThe widget service renders dashboards.\n\n## Broken widgets\n\n"
    "Restart the renderer.\n",
    "tls/cert-renewal.md": "# Certificate renewal\n\nAfter a certificate is renewed, clients may "
    "see TLS handshake errors until the new chain is deployed.\n",
    "alerts/HandshakeStalled.md": "# HandshakeStalled\n\nThe TLS handshake stalled.\n",
    "misc/errors.md": "# Errors overview\n\nA generic page about errors and renewals of "
    "contracts.\n",
}
FILES.update(
    {
        f"filler/f{i:02d}.md": f"# Filler {i}\n\nAn errors page number {i} about handshake "
        "timing and nothing else.\n"
        for i in range(24)
    }
)


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    base = tmp_path_factory.mktemp("rank")
    root = write_tree(base / "lib", FILES)
    s = SearchService(FolderLibrary(base / "data", [LibraryRoot("r", root, kind="folder")]))
    yield s
    s.close()


def paths(res):
    return [h.path for h in res.hits]


def test_acronyms_defined_in_text_are_learned():
    got = dict(tx.acronyms(FILES["dr/objectives.md"]))
    assert got == {"rto": "recovery time objective", "rpo": "recovery point objective"}
    assert tx.acronyms("Ihor Dvoretskyi (CNCF) said so") == []


def test_question_with_a_word_the_runbook_lacks_still_finds_it(svc):
    res = svc.search("why are pages not reaching the on-call phone")
    assert paths(res)[:1] == ["oncall/paging.md"]


def test_symptom_with_extra_words(svc):
    res = svc.search("TLS handshake errors after the cert was renewed")
    assert paths(res)[:1] == ["tls/cert-renewal.md"]


def test_acronym_expands_to_its_long_form(svc):
    top = paths(svc.search("what is an RTO", limit=5))
    assert top[0] == "dr/objectives.md"
    assert "dr/restore.md" in top  # says "recovery time objective", never "RTO"
    # and the long form finds the page that only uses the acronym
    assert "dr/objectives.md" in paths(svc.search("recovery point objective", limit=3))


def test_singular_query_finds_plural_title(svc):
    assert paths(svc.search("widget broken"))[:1] == ["apps/Widgets.md"]
    assert paths(svc.search("widgets"))[:1] == ["apps/Widgets.md"]


def test_partial_matches_fill_the_page(svc):
    # no runbook has all three words; many have one or two
    res = svc.search("errors handshake zeppelin", limit=20)
    assert len(res.hits) == 20 and res.total >= 25
    # the page is full whenever there are that many partial matches
    res = svc.search("how do I fix handshake errors in the renderer", limit=10)
    assert len(res.hits) == 10


def test_an_alert_name_with_few_runbooks_is_filled_by_its_parts(svc):
    # only one runbook holds the name (and all of its parts); the page fills
    # with runbooks that share one part ("handshake"), ranked below it
    res = svc.search("HandshakeStalled", limit=10)
    assert len(res.hits) == 10 and res.total >= 25
    assert paths(res)[0] == "alerts/HandshakeStalled.md"
    assert res.hits[0].score > 2 * res.hits[1].score


def test_documents_matching_all_words_rank_first(svc):
    res = svc.search("handshake errors renewed", limit=5)
    assert paths(res)[0] == "tls/cert-renewal.md"


def test_function_words_alone_still_search(svc):
    assert svc.search("the", limit=3).total >= 1
