"""Provenance shown: the reader's header card, printouts and the status line say who
signed the snapshot ("signed by alice@example.com", "unsigned", "not verifiable")."""

from __future__ import annotations

import datetime as _dt
from html import unescape

import pytest

from rbdesk.core.facade import Library
from rbdesk.core.library.origin import origin_for
from rbdesk.core.library.signature import SAMPLES_REASON, Signature, root_signature
from rbdesk.core.render.printdoc import footer_text, runbook_html
from rbdesk.core.render.reader import HeaderInfo, header_card_html
from rbdesk.core.runbook.parser import parse_text

from .gitfixtures import Repo
from .signfixtures import SshSigner, commit

TODAY = _dt.date(2026, 12, 1)


@pytest.fixture()
def signed_library(data_dir, tmp_path):
    alice = SshSigner(tmp_path / "keys", "alice@example.com")
    allowed = tmp_path / "allowed"
    allowed.write_text(alice.allowed_line())
    repo = Repo(tmp_path / "src")
    commit(repo, {"db.md": "# DB failover\n\n1. Stop writes\n"}, "signed", ssh=alice)
    lib = Library(data_dir)
    lib.sync.add_source("ops", repo.url, allowed_signers=str(allowed), verify="warn")
    assert lib.sync.sync("ops")[0].ok
    return lib, repo


def test_printout_and_footer_name_the_signer(signed_library):
    lib, _repo = signed_library
    (file,) = list(lib.files())
    origin = origin_for(lib.root_for(file), file)
    assert origin.signature.phrase == "signed by alice@example.com"
    html = unescape(runbook_html(lib.load(file), origin, TODAY))
    assert "Signature</td><td>signed by alice@example.com" in html
    assert " · signed by alice@example.com · " in footer_text(lib.load(file), origin, TODAY)


def test_warn_mode_unsigned_tip_is_marked_in_print(signed_library):
    lib, repo = signed_library
    commit(repo, {"db.md": "# DB failover\n\n1. Stop writes\n2. Promote\n"}, "unsigned")
    out = lib.sync.sync("ops")[0]
    assert out.ok, out.message
    (file,) = list(lib.files())
    origin = origin_for(lib.root_for(file), file)
    assert origin.signature.warn
    assert "Signature</td><td>⚠ unsigned" in unescape(runbook_html(lib.load(file), origin, TODAY))


def test_samples_and_loose_files(data_dir, tmp_path):
    lib = Library(data_dir)
    root = lib.samples_root()
    assert root_signature(root) == Signature(reason=SAMPLES_REASON)
    file = next(iter(lib.files()))
    origin = origin_for(root, file)
    assert " · not verifiable · " in footer_text(lib.load(file), origin, TODAY)
    from rbdesk.core.library.roots import RunbookFile

    loose = tmp_path / "x.md"
    loose.write_text("# X\n")
    assert origin_for(None, RunbookFile("", "x.md", loose)).signature is None


def test_header_card_shows_the_signature_in_warning_colour_when_warned():
    rb = parse_text("# T\n\nOwner: db\n")
    card = header_card_html(rb, HeaderInfo(source="ops", signature="unsigned", signature_warn=True))
    assert '<span class="amber">unsigned</span>' in card
    card = header_card_html(rb, HeaderInfo(source="ops", signature="signed by a@x"))
    assert '<span class="sig">signed by a@x</span>' in card
    assert "sig" not in header_card_html(rb, HeaderInfo(source="ops"))
