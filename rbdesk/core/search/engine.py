"""Term-at-a-time BM25F over Whoosh's own postings: the query path's scorer.

Why not Whoosh's matchers: on real runbook text (common words in most
files) a query is ~5 words x 2-4 posting lists, and Whoosh's Python matcher
tree costs several method calls per document per tree level. Measured on
the realistic 10k library with the two-field schema, an ``Or`` of per-word
units and ``TopCollector(usequality=True)``: 3 queries took 12.1 s under
cProfile (1.1-2.6 s each without), 63% of it in ``UnionMatcher`` /
``WrappingMatcher`` ``is_active``/``id``/``next``/``score``/``replace``, only
~10% in BM25 itself; block-quality skipping saved little because most blocks
of common words can still reach the top k. Here each posting list is read
block by block straight from Whoosh's W3 codec (ids and weights arrays),
scored with the same BM25 formula and per-field K1/B (:mod:`.weighting`),
and summed into one dict per unit: one tight loop per list, no
per-document tree walk (the same 3 queries: 0.9 s under cProfile, snippets
included). ``And`` parts are scored only on the rarest part's documents
(binary search in the sorted ids when there are few). Totals are exact.

The index, lexicon, postings, lengths and stored fields stay Whoosh's; the
``Query`` objects built by :mod:`.query` are what is evaluated (``Term``,
``Or``, ``And``, :class:`~.query.Bonus`; ``Phrase`` and anything else goes
through Whoosh's own matcher).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import OrderedDict
from typing import Any

from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from rbdesk.core.search.schema import BODY_B, BODY_K1, NAMES_B, NAMES_K1

_PARAMS = {"names": (NAMES_B, NAMES_K1), "body": (BODY_B, BODY_K1)}
DEFAULT_PARAMS = (BODY_B, BODY_K1)
POSTINGS_CACHE = 384  # posting lists kept decoded (the next keystroke reuses them)
PHRASE_CHECKS = 200  # best candidates whose text is read to confirm a body phrase
_LENGTHS = [byte_to_length(b) for b in range(256)]


class Cancelled(Exception):
    pass


def _raw_postings(leaf: Any, fieldname: str, term: str) -> tuple[list[int], list[float]]:
    """(segment-local ids, weights) of one posting list, deletions included."""
    try:
        tbytes = leaf._text_to_bytes(fieldname, term)
        if (fieldname, tbytes) not in leaf:
            return [], []
        m = leaf._terms.matcher(fieldname, tbytes, leaf.schema[fieldname].format)
    except Exception:
        return [], []
    ids: list[int] = []
    weights: list[float] = []
    if all(hasattr(m, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            m._next_block()
        return ids, weights
    while m.is_active():  # inlined postings (ListMatcher) or another codec
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


class Engine:
    """Scoring state for one open searcher (lengths, statistics, postings cache)."""

    def __init__(self, searcher: Any, text_of: Any = None) -> None:
        """``text_of(docnum)``: the document's text, for phrase checks."""
        self.searcher = searcher
        self.text_of = text_of
        self.leaves = [(ls.reader(), off) for ls, off in searcher.leaf_searchers()]
        self.doc_count = max(1, searcher.doc_count_all())
        self._norms: dict[str, list[list[float]]] = {}
        self._postings: OrderedDict[tuple[str, str], list[tuple[list[int], list[float]]]] = (
            OrderedDict()
        )
        self._idsets: dict[tuple[str, str, str], frozenset[int]] = {}
        self._deleted = [
            (leaf.deleted_docs_set if leaf.has_deletions() else frozenset())
            for leaf, _ in self.leaves
        ]

    # -- statistics ---------------------------------------------------------
    def _leaf_norms(
        self, leaf: Any, fieldname: str, k1: float, b: float, avg: float
    ) -> list[float]:
        n = leaf.doc_count_all()
        raw: bytes | None = None
        try:
            col = leaf._perdoc._cached_reader(f"_{fieldname}_len", _lengths_column())
            if col is not None:
                raw = bytes(col._dbfile.get(col._basepos, min(n, col._count)))
                raw += bytes(n - len(raw))
        except Exception:
            raw = None
        if raw is None:
            lens = [leaf.doc_field_length(d, fieldname, 0) for d in range(n)]
        else:
            lens = [_LENGTHS[x] if x else 0 for x in raw]
        return [k1 * ((1 - b) + b * ln / avg) for ln in lens]

    def norms(self, fieldname: str) -> list[list[float]]:
        got = self._norms.get(fieldname)
        if got is None:
            b, k1 = _PARAMS.get(fieldname, DEFAULT_PARAMS)
            avg = self.searcher.avg_field_length(fieldname) or 1.0
            got = [self._leaf_norms(leaf, fieldname, k1, b, avg) for leaf, _ in self.leaves]
            self._norms[fieldname] = got
        return got

    def postings(self, fieldname: str, term: str) -> list[tuple[list[int], list[float]]]:
        key = (fieldname, term)
        hit = self._postings.get(key)
        if hit is not None:
            self._postings.move_to_end(key)
            return hit
        got = [_raw_postings(leaf, fieldname, term) for leaf, _ in self.leaves]
        self._postings[key] = got
        if len(self._postings) > POSTINGS_CACHE:
            self._postings.popitem(last=False)
        return got

    def idf(self, fieldname: str, term: str) -> float:
        """BM25F-style: one IDF per word, from its document frequency in the
        body (where nearly every word of a runbook is). A word common in the
        library but rare in titles does not get a huge names-field IDF."""
        from rbdesk.core.search import text as tx

        if fieldname == "names":
            try:
                df = max(
                    self.searcher.doc_frequency("names", term),
                    self.searcher.doc_frequency("body", tx.body_term(term)),
                )
            except Exception:
                return self.searcher.idf(fieldname, term)
            return math.log(self.doc_count / (df + 1)) + 1.0
        return self.searcher.idf(fieldname, term)

    # -- evaluation -----------------------------------------------------------
    def term_ids(self, fieldname: str, term: str) -> frozenset[int]:
        """Global docnums of one posting list (deleted documents left out)."""
        key = ("ids", fieldname, term)
        hit = self._idsets.get(key)
        if hit is None:
            out: set[int] = set()
            for li, (ids, _w) in enumerate(self.postings(fieldname, term)):
                off, deleted = self.leaves[li][1], self._deleted[li]
                if off:
                    out.update(d + off for d in ids)
                else:
                    out.update(ids)
                if deleted:
                    out.difference_update(d + off for d in deleted)
            hit = frozenset(out)
            if len(self._idsets) > POSTINGS_CACHE:
                self._idsets.clear()
            self._idsets[key] = hit
        return hit

    def add_term(
        self,
        q: wq.Term,
        acc: dict[int, float],
        scale: float = 1.0,
        restrict: set[int] | frozenset[int] | dict | None = None,
    ) -> None:
        """acc[doc] += score of q (times scale); only docs in restrict, if given."""
        fieldname, term = q.fieldname, q.text
        lists = self.postings(fieldname, term)
        if not any(ids for ids, _ in lists):
            return
        get = acc.get
        if not self.searcher.schema[fieldname].scorable:  # ids, filters: the weight
            c, norms = q.boost * scale, None
        else:
            _b, k1 = _PARAMS.get(fieldname, DEFAULT_PARAMS)
            c = self.idf(fieldname, term) * (k1 + 1) * q.boost * scale
            norms = self.norms(fieldname)
        for li, (ids, weights) in enumerate(lists):
            if not ids:
                continue
            off = self.leaves[li][1]
            deleted = self._deleted[li]
            norm = norms[li] if norms is not None else None
            if restrict is not None and len(restrict) * 8 < len(ids):
                # few candidates: look each one up (ids are sorted) instead of a full scan
                hi = off + len(norm or ()) if norm is not None else None
                for g in restrict:
                    d = g - off
                    if d < 0 or (hi is not None and g >= hi):
                        continue
                    i = bisect_left(ids, d)
                    if i < len(ids) and ids[i] == d and d not in deleted:
                        w = weights[i]
                        acc[g] = get(g, 0.0) + (
                            c * w / (w + norm[d]) if norm is not None else c * w
                        )
                continue
            if norm is None:
                for d, w in zip(ids, weights, strict=True):
                    g = d + off
                    if (restrict is None or g in restrict) and d not in deleted:
                        acc[g] = get(g, 0.0) + c * w
                continue
            if restrict is None and not deleted:
                for d, w in zip(ids, weights, strict=True):
                    g = d + off
                    acc[g] = get(g, 0.0) + c * w / (w + norm[d])
                continue
            for d, w in zip(ids, weights, strict=True):
                g = d + off
                if (restrict is None or g in restrict) and d not in deleted:
                    acc[g] = get(g, 0.0) + c * w / (w + norm[d])

    def ids(self, q: wq.Query) -> set[int] | frozenset[int]:
        """The documents q matches, from id sets alone (set operations in C)."""
        from rbdesk.core.search.query import Bonus, PhraseCheck

        if isinstance(q, wq.Term):
            return self.term_ids(q.fieldname, q.text)
        if isinstance(q, PhraseCheck):
            return set(self.scores(q))
        if isinstance(q, Bonus):
            return self.ids(q.child)
        if isinstance(q, wq.Or):
            out: set[int] = set()
            for sub in q.subqueries:
                out |= self.ids(sub)
            return out
        if isinstance(q, wq.And):
            acc: set[int] | frozenset[int] | None = None
            for sub in sorted(q.subqueries, key=lambda x: isinstance(x, PhraseCheck)):
                got = self.ids(sub)
                acc = got if acc is None else acc & got
                if not acc:
                    return set()
            return acc if acc is not None else set()
        return set(self.scores(q))

    def add(
        self,
        q: wq.Query,
        acc: dict[int, float],
        scale: float = 1.0,
        restrict: set[int] | frozenset[int] | dict | None = None,
        cancel: Any = None,
    ) -> None:
        """acc[doc] += q's score (times scale) for every doc q matches (in restrict)."""

        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if isinstance(q, wq.Term):
            self.add_term(q, acc, scale, restrict)
            return
        if isinstance(q, wq.Or) and not isinstance(q, wq.And):
            for sub in q.subqueries:
                self.add(sub, acc, scale * q.boost, restrict, cancel)
            return
        got = self.scores(q, restrict, cancel)
        get = acc.get
        for d, sc in got.items():
            acc[d] = get(d, 0.0) + sc * scale

    def scores(
        self,
        q: wq.Query,
        restrict: set[int] | frozenset[int] | dict | None = None,
        cancel: Any = None,
    ) -> dict[int, float]:
        """{doc: score} for q (only docs in restrict, when given)."""
        from rbdesk.core.search.query import Bonus, PhraseCheck, has_phrase, phrase_pattern

        if cancel is not None and cancel.is_set():
            raise Cancelled()
        out: dict[int, float] = {}
        if isinstance(q, wq.Term) or (isinstance(q, wq.Or) and not isinstance(q, wq.And)):
            self.add(q, out, 1.0, restrict, cancel)
            return out
        if isinstance(q, Bonus):
            got = self.scores(q.child, restrict, cancel)
            bonus = q.bonus
            return {d: sc + bonus for d, sc in got.items()}
        if isinstance(q, PhraseCheck):
            got = self.scores(q.child, restrict, cancel)
            if self.text_of is None:
                return got
            pattern = phrase_pattern(q.words)
            best = heapq.nlargest(PHRASE_CHECKS, got.items(), key=lambda kv: (kv[1], -kv[0]))
            for d, sc in best:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                if has_phrase(pattern, self.text_of(d)):
                    out[d] = sc
            return out
        if isinstance(q, wq.And):
            # rarest part first; the others are only scored on its documents
            subs = sorted(q.subqueries, key=lambda x: len(self.ids(x)))
            if not subs:
                return {}
            cand: dict[int, float] = self.scores(subs[0], restrict, cancel)
            for sub in subs[1:]:
                if not cand:
                    return {}
                part = self.scores(sub, cand, cancel)
                cand = {d: sc + part[d] for d, sc in cand.items() if d in part}
            if q.boost != 1.0:
                cand = {d: sc * q.boost for d, sc in cand.items()}
            return cand
        got = self._whoosh_scores(q)
        if restrict is not None:
            got = {d: sc for d, sc in got.items() if d in restrict}
        return got

    def _whoosh_scores(self, q: wq.Query) -> dict[int, float]:
        """Any other query (phrases): Whoosh's own matcher, per segment."""
        from whoosh.searching import SearchContext

        out: dict[int, float] = {}
        for ls, off in self.searcher.leaf_searchers():
            ctx = SearchContext(weighting=self.searcher.weighting, top_query=q)
            try:
                m = q.matcher(ls, ctx)
            except Exception:
                continue
            while m.is_active():
                out[m.id() + off] = m.score()
                m.next()
        return out

    def top(
        self,
        q: wq.Query,
        limit: int,
        allowed: set[int] | frozenset[int] | None = None,
        cancel: Any = None,
    ) -> tuple[int, list[tuple[float, int]]]:
        """(number of matching documents, [(score, docnum)] best first)."""
        acc = self.scores(q, allowed, cancel)
        best = heapq.nlargest(max(1, limit), acc.items(), key=lambda kv: (kv[1], -kv[0]))
        return len(acc), [(sc, d) for d, sc in best]


def _lengths_column() -> Any:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN
