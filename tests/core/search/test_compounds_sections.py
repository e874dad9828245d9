"""Search II (issue 24): words written apart or together, host names in any
form, and the section whose heading says what the query says."""

from __future__ import annotations

import pytest

from rbdesk.core.library.roots import LibraryRoot
from rbdesk.core.search import SearchService
from rbdesk.core.search import text as tx

from .conftest import FolderLibrary, write_tree

FILLER = "Check the dashboards and the logs of the primary before anything else. " * 6

LIB = {
    # a long runbook about something else, with the section that says it
    "db/patroni-maintenance.md": "# Patroni cluster maintenance\n\n"
    + FILLER
    + "\n\n## Pausing the cluster\n\n"
    + FILLER
    + "\n\n## Triggering a switchover\n\nRun `patronictl switchover` and pick the "
    "new primary.\n\n## Restarting members\n\n" + FILLER,
    # says "primary" more often, never "switchover"
    "db/primary-notes.md": "# Storage array notes\n\nThe primary keeps running. "
    "Silence alerts on the primary during the copy to the new array. " * 3,
    # a runbook named after a host
    "net/when-status-example-io-is-unreachable.md": "# Status page\n\n"
    "Customers cannot open the page. Check DNS and the CDN.\n",
    # mentions status, example and io everywhere
    "net/io-errors.md": "# Disk io errors\n\nFor example the status of io on the "
    "example host: io status example io status example. " * 4,
    # a login page written apart in its heading, joined nowhere
    "auth/sso.md": "# Single sign-on\n\n" + FILLER + "\n\n## How to log in as an admin\n\n"
    "Use the break-glass account.\n",
    "auth/accounts.md": "# Accounts\n\nAn admin account can be created for a new "
    "engineer. Admin rights are reviewed. " * 3,
    # the shutdown procedure written as one word in the body only
    "ops/power.md": "# Power maintenance\n\nA graceful shutdown of the rack takes ten "
    "minutes; the shutdown order is storage last.\n",
    "ops/shutters.md": "# Window shutters\n\nShut the shutters down when it storms; "
    "shut them before you leave.\n",
}


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("lib"), LIB)
    lib = FolderLibrary(tmp_path_factory.mktemp("data"), [LibraryRoot("t", root, "folder")])
    service = SearchService(lib)
    yield service
    service.close()


def first(svc, q):
    hits = svc.search(q, limit=5).hits
    assert hits, q
    return hits[0]


def test_joined_and_host_terms():
    body = {t for t, _ in tx.body_terms("log in to status.example.io, shut down the fail-over")}
    assert {tx.body_term(w) for w in ("login", "statusexampleio", "shutdown", "failover")} <= body
    assert set(tx.host_terms("status_example_io or kube-proxy")) == {"statusexampleio", "kubeproxy"}
    assert ("switchover", 2) in set(tx.name_terms("Triggering a switch over"))
    assert "hostnam" in {t for t, _ in tx.name_terms("services by host names")}
    assert "statusexampleio" in {t for t, _ in tx.name_terms("status_example_io")}


def test_words_written_apart_find_the_joined_word(svc):
    hit = first(svc, "how do I switch over the primary")
    assert hit.path == "db/patroni-maintenance.md"
    assert hit.section == "Triggering a switchover"


def test_joined_query_word_finds_a_heading_written_apart(svc):
    hit = first(svc, "admin login")
    assert (hit.path, hit.section) == ("auth/sso.md", "How to log in as an admin")


def test_a_listed_compound_written_apart_in_the_query(svc):
    assert first(svc, "rack shut down").path == "ops/power.md"
    assert first(svc, "rack shutdown").path == "ops/power.md"


@pytest.mark.parametrize(
    "q",
    [
        "status.example.io unreachable",
        "status-example-io",
        "status_example_io",
        "status example io unreachable",
    ],
)
def test_a_host_name_in_any_form_finds_the_runbook_named_after_it(svc, q):
    assert first(svc, q).path == "net/when-status-example-io-is-unreachable.md"


def test_a_section_title_query_lifts_the_runbook_and_opens_the_section(svc):
    hit = first(svc, "triggering a switchover")
    assert (hit.path, hit.section) == ("db/patroni-maintenance.md", "Triggering a switchover")
    hit = first(svc, "pausing the cluster")
    assert (hit.path, hit.section) == ("db/patroni-maintenance.md", "Pausing the cluster")


def test_exact_names_and_typos_still_hold(svc):
    assert first(svc, "patroni maintenance").section == ""  # the title: open at the top
    res = svc.search("swichover")
    assert res.corrected == "switchover" and res.hits[0].path == "db/patroni-maintenance.md"
