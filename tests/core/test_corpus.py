"""Every file of the shared public corpus parses (skipped on a fresh clone)."""

import time
from collections import Counter

import pytest

from rbdesk.core.library.roots import iter_runbook_files
from rbdesk.core.runbook.parser import parse_file

pytestmark = pytest.mark.shared


def test_shared_corpus_parses(shared_dir):
    corpus = shared_dir / "corpora"
    files = [(rel, p) for rel, p in iter_runbook_files(corpus)]
    assert len(files) > 50
    totals: Counter = Counter()
    t0 = time.perf_counter()
    for rel, p in files:
        rb = parse_file(p, rel)
        assert rb.title.strip(), rel
        totals["files"] += 1
        for key in ("sections", "commands", "alerts", "links", "problems"):
            totals[key] += len(getattr(rb, key))
    elapsed = time.perf_counter() - t0
    print(f"\ncorpus: {dict(totals)} parsed in {elapsed:.2f}s")
    assert totals["alerts"] >= 80  # files named after alerts


def test_formats_guides_parse(shared_dir):
    for p in sorted((shared_dir / "formats").glob("*.txt")):
        rb = parse_file(p, p.name)
        assert rb.title and rb.sections, p.name
