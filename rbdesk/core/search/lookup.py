"""Name lookups answered from an open index's term lists, never from the files.

Finding the runbook of an alert name or an id used to read (or parse) every
file of the library: on 200,000 tiny files an unknown pasted alert took 12 s
and 900 MB. The index already holds what is needed:

* the ``key`` field's term list is every indexed relative path (file names
  and id prefixes are matched on those strings, no walk, no stat);
* the ``alerts`` field holds each alert name's compact form
  (``kubepodcrashlooping``) and the ``names`` field the compact form of every
  title, alert name and id, so one posting list gives the few documents that
  can carry a name.

The answer is a superset: the caller (``core/usecases/refs.py``) parses those
few candidates and applies its own rules of evidence.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class NameLookup:
    """What one root's index says about a name (compact form: letters and digits only)."""

    paths: list[str]  # every indexed runbook path, sorted
    named: list[str]  # paths whose alert names, titles or ids hold the compact name, sorted


def indexed_paths(searcher: Any) -> list[str]:
    """Every relative path in the index (the ``key`` field's term list), sorted."""
    return sorted(t.decode("utf-8") for t in searcher.reader().lexicon("key"))


def named_paths(searcher: Any, term: str) -> list[str]:
    """Paths of the documents whose ``alerts`` or ``names`` field holds term."""
    if not term:
        return []
    reader = searcher.reader()
    raw = term.encode("utf-8")
    docs: set[int] = set()
    for fieldname in ("alerts", "names"):
        if (fieldname, raw) in reader:
            docs.update(reader.postings(fieldname, raw).all_ids())
    out = []
    for docnum in docs:
        info = searcher.stored_fields(docnum).get("info") or {}
        if info.get("path"):
            out.append(str(info["path"]))
    return sorted(set(out))


def id_terms(searcher: Any) -> list[str]:
    """Compact ids (``run042`` of ``RUN-042``) the ``names`` field holds: every runbook's
    front-matter ids are there, among other words of that shape."""
    import re

    shape = re.compile(rb"[a-z]{2,8}\d{1,6}")
    return [t.decode("ascii") for t in searcher.reader().lexicon("names") if shape.fullmatch(t)]


def info_of(searcher: Any, path: str) -> dict:
    """The stored info of the document at path ({} when it is not indexed)."""
    docnum = searcher.document_number(key=path)
    return {} if docnum is None else (searcher.stored_fields(docnum).get("info") or {})


def nearest_alert_names(searchers: list[Any], key: str, n: int = 5) -> list[str]:
    """Up to n alert names (as written in a runbook) closest to compact key.

    On a large index only the names sharing a prefix with key are compared
    (reading every alert name of 200,000 runbooks took seconds)."""
    terms: dict[str, Any] = {}
    for searcher in searchers:
        reader = searcher.reader()
        if reader.doc_count_all() <= 5000:
            words = [t.decode("utf-8") for t in reader.lexicon("alerts")]
        else:
            words = _prefix_neighbours(reader, key)
        for word in words:
            terms.setdefault(word, searcher)
    close = difflib.get_close_matches(key, sorted(terms), n=n * 3, cutoff=0.6)
    written = (_written_form(terms[c], c) for c in close)  # "" for a word of a longer name
    return [w for w in written if w][:n]


def _prefix_neighbours(reader: Any, key: str, most: int = 400) -> list[str]:
    """Alert-name terms sharing the longest prefixes with key (at least 3 characters)."""
    out: list[str] = []
    for k in range(min(len(key), 12), 2, -1):
        for t in reader.expand_prefix("alerts", key[:k]):
            out.append(t.decode("utf-8"))
            if len(out) >= most:
                return out
        if len(out) >= 50:
            break
    return out


def _written_form(searcher: Any, compact_name: str) -> str:
    """The alert name as a runbook writes it (KubePodCrashLooping for kubepodcrashlooping)."""
    from rbdesk.core.search.text import compact

    reader = searcher.reader()
    for docnum in reader.postings("alerts", compact_name.encode("utf-8")).all_ids():
        for name, _section, _anchor in (searcher.stored_fields(docnum).get("info") or {}).get(
            "alerts", []
        ):
            if compact(name) == compact_name:
                return str(name)
        break
    return ""
