"""Term-at-a-time BM25F over Whoosh's own postings: the query path's scorer.

Why not Whoosh's matchers: on real runbook text (common words in most
files) a query is ~5 words x 2-4 posting lists, and Whoosh's Python matcher
tree (``UnionMatcher`` / wrappers) costs several method calls per document
per tree level; a profile at 10k files showed 60-70% of query time in
``is_active``/``id``/``next`` recursion even with block-quality skipping on
(the coordination bonus keeps most blocks above the threshold). Here each
posting list is read block by block straight from Whoosh's W3 codec (ids and
weights arrays), scored with the same BM25 formula and per-field K1/B
(:mod:`.weighting`), and summed into one dict per unit: one tight loop per
list, no per-document tree walk. Exact totals fall out for free.

The index, lexicon, postings, lengths and stored fields stay Whoosh's; the
``Query`` objects built by :mod:`.query` are what is evaluated (``Term``,
``Or``, ``And``, :class:`~.query.Bonus`; ``Phrase`` and anything else goes
through Whoosh's own matcher).
"""

from __future__ import annotations

import heapq
import math
from collections import OrderedDict
from typing import Any

from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from .schema import BODY_B, BODY_K1, NAMES_B, NAMES_K1

_PARAMS = {"names": (NAMES_B, NAMES_K1), "body": (BODY_B, BODY_K1)}
DEFAULT_PARAMS = (BODY_B, BODY_K1)
POSTINGS_CACHE = 384  # posting lists kept decoded (the next keystroke reuses them)
PHRASE_CHECKS = 400  # best candidates whose text is read to confirm a body phrase
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
        self._deleted = [
            (leaf.deleted_docs_set if leaf.has_deletions() else frozenset()) for leaf, _ in self.leaves
        ]

    # -- statistics ---------------------------------------------------------
    def _leaf_norms(self, leaf: Any, fieldname: str, k1: float, b: float, avg: float) -> list[float]:
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
        from . import text as tx

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
    def term_scores(self, q: wq.Term) -> dict[int, float]:
        fieldname, term = q.fieldname, q.text
        out: dict[int, float] = {}
        lists = self.postings(fieldname, term)
        if not self.searcher.schema[fieldname].scorable:  # ids, filters: the weight
            for li, (ids, weights) in enumerate(lists):
                off, deleted = self.leaves[li][1], self._deleted[li]
                for d, w in zip(ids, weights):
                    if d not in deleted:
                        out[d + off] = q.boost * w
            return out
        b, k1 = _PARAMS.get(fieldname, DEFAULT_PARAMS)
        c = self.idf(fieldname, term) * (k1 + 1) * q.boost
        norms = self.norms(fieldname) if any(ids for ids, _ in lists) else []
        for li, (ids, weights) in enumerate(lists):
            if not ids:
                continue
            off = self.leaves[li][1]
            norm = norms[li]
            deleted = self._deleted[li]
            for d, w in zip(ids, weights):
                if deleted and d in deleted:
                    continue
                out[d + off] = c * w / (w + norm[d])
        return out

    def scores(self, q: wq.Query, cancel: Any = None) -> dict[int, float]:
        from .query import Bonus, PhraseCheck, phrase_pattern

        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if isinstance(q, wq.Term):
            return self.term_scores(q)
        if isinstance(q, Bonus):
            got = self.scores(q.child, cancel)
            bonus = q.bonus
            return {d: s + bonus for d, s in got.items()}
        if isinstance(q, PhraseCheck):
            got = self.scores(q.child, cancel)
            if self.text_of is None:
                return got
            pattern = phrase_pattern(q.words)
            best = heapq.nlargest(PHRASE_CHECKS, got.items(), key=lambda kv: (kv[1], -kv[0]))
            out = {}
            for d, s in best:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                if pattern.search(self.text_of(d)):
                    out[d] = s
            return out
        if isinstance(q, wq.Or):
            parts = sorted((self.scores(s, cancel) for s in q.subqueries), key=len, reverse=True)
            if not parts:
                return {}
            acc = dict(parts[0])
            get = acc.get
            for p in parts[1:]:
                for d, s in p.items():
                    acc[d] = get(d, 0.0) + s
            if q.boost != 1.0:
                acc = {d: s * q.boost for d, s in acc.items()}
            return acc
        if isinstance(q, wq.And):
            parts = sorted((self.scores(s, cancel) for s in q.subqueries), key=len)
            if not parts:
                return {}
            acc = dict(parts[0])
            for p in parts[1:]:
                acc = {d: s + p[d] for d, s in acc.items() if d in p}
                if not acc:
                    return {}
            if q.boost != 1.0:
                acc = {d: s * q.boost for d, s in acc.items()}
            return acc
        return self._whoosh_scores(q)

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
        acc = self.scores(q, cancel)
        if allowed is not None:
            acc = {d: s for d, s in acc.items() if d in allowed}
        best = heapq.nlargest(max(1, limit), acc.items(), key=lambda kv: (kv[1], -kv[0]))
        return len(acc), [(s, d) for d, s in best]


def _lengths_column() -> Any:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN
