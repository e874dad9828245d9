"""Count the documents a query matches without scoring them.

The top-k collector skips postings that cannot reach the page, so it does
not know how many documents match. This walks the query tree (terms, Or,
And, the coordination wrapper) over document-id *sets*: a term's ids are
read block by block from its posting list (no per-document Python calls),
unions and intersections run in C. Anything else (phrases) falls back to
Whoosh's own ``Query.docs``. Id sets are cached per open searcher, so the
next keystroke reuses the lists of the words already typed.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

_CACHE_ATTR = "_rbdesk_idsets"
_CACHE_MAX = 512


def _leaf_ids(leaf: Any, fieldname: str, term: str) -> set[int]:
    """Document numbers (segment-local, deletions included) of one posting list."""
    try:
        tbytes = leaf._text_to_bytes(fieldname, term)
        m = leaf._terms.matcher(fieldname, tbytes, leaf.schema[fieldname].format)
    except Exception:
        try:
            return set(leaf.postings(fieldname, term).all_ids())
        except Exception:
            return set()
    out: set[int] = set()
    if all(hasattr(m, a) for a in ("_read_ids", "_next_block", "_atend")):
        while m.is_active():
            m._read_ids()
            out.update(m._ids)
            m._next_block()
        return out
    out.update(m.all_ids())
    return out


def term_ids(searcher: Any, fieldname: str, term: str) -> frozenset[int]:
    cache = searcher.__dict__.setdefault(_CACHE_ATTR, {})
    key = (fieldname, term)
    hit = cache.get(key)
    if hit is not None:
        return hit
    ids: set[int] = set()
    for leaf_searcher, offset in searcher.leaf_searchers():
        leaf = leaf_searcher.reader()
        local = _leaf_ids(leaf, fieldname, term)
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else ()
        ids.update(offset + d for d in local if d not in deleted)
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = frozenset(ids)
    return cache[key]


def matching_ids(searcher: Any, q: wq.Query) -> set[int] | frozenset[int]:
    from .query import Bonus

    if isinstance(q, wq.Term):
        return term_ids(searcher, q.fieldname, q.text)
    if isinstance(q, Bonus):
        return matching_ids(searcher, q.child)
    if isinstance(q, wq.Or):
        out: set[int] = set()
        for sub in q.subqueries:
            out |= matching_ids(searcher, sub)
        return out
    if isinstance(q, wq.And):
        subs = sorted(q.subqueries, key=lambda s: isinstance(s, wq.Phrase))
        acc: set[int] | frozenset[int] | None = None
        for sub in subs:
            ids = matching_ids(searcher, sub)
            acc = ids if acc is None else acc & ids
            if not acc:
                return set()
        return acc or set()
    return set(q.docs(searcher))


def count_matches(searcher: Any, q: wq.Query) -> int:
    return len(matching_ids(searcher, q))
