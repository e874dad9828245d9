"""From what the user typed to Whoosh queries, never raising on odd input.

Grammar (everything else is plain text, so ``etcdserver: no leader``,
``FATAL:``, ``a:b "unclosed``, ``*``, ``(`` and ``-`` are just words):

* ``"quoted phrase"`` (an unclosed quote runs to the end),
* filters ``tag:`` ``owner:`` ``severity:`` ``source:`` ``alert:`` (value may be quoted),
* free words. Each word must match somewhere (title, alert names, ids, tags,
  owner, severity, headings, path, commands, prose); function words
  ("how", "the") are optional. Per-field term queries are combined with
  ``Or`` (scores add up, fields boosted), not ``DisjunctionMax``.

Stemming is query-time: a word also matches the indexed words with the same
Porter stem. Prefixes (while typing) expand over the index's own terms, capped
to the most frequent ones. Fuzzy ("did you mean") uses edit distance 1–2 on
the unstemmed prose and alert names, only when the raw query found nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from rbdesk.core.search import text as tx
from rbdesk.core.search.schema import (
    FIELD_BOOSTS,
    NAME_FIELDS,
    PHRASE_FIELDS,
    PREFIX_FIELDS,
    SPELLING_FIELDS,
)

FILTER_NAMES = ("tag", "owner", "severity", "source", "alert")
_FILTER_RE = re.compile(r"(?i)^(tag|owner|severity|source|alert):(.*)$", re.S)
WORD_FIELDS = (*NAME_FIELDS, "ids", "tags", "owner", "severity", "commands", "text")
MIN_PREFIX = 3  # characters before the word being typed is prefix-expanded
MAX_PREFIX_TERMS = 48  # most frequent expansions kept per field
MAX_PREFIX_SCAN = 20000  # lexicon entries looked at per field and prefix
MAX_STEM_SCAN = 400
SYNONYM_WEIGHT = 0.5  # a synonym counts half as much as the word typed


@dataclass
class ParsedQuery:
    raw: str
    words: list[str] = field(default_factory=list)  # free-text chunks, in order
    phrases: list[list[str]] = field(default_factory=list)  # lower-case word lists
    filters: list[tuple[str, str]] = field(default_factory=list)
    typing: bool = False  # the last word is still being typed (no trailing space)

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.filters)


def parse_query(raw: str) -> ParsedQuery:
    """Split the user's text into words, phrases and filters. Never raises."""
    raw = raw or ""
    pq = ParsedQuery(raw=raw, typing=bool(raw) and not raw[-1].isspace())
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c.isspace():
            i += 1
            continue
        if c == '"':
            end = raw.find('"', i + 1)
            end = n if end < 0 else end
            words = [w.lower() for w in tx.words(raw[i + 1 : end])]
            if words:
                pq.phrases.append(words)
            i = end + 1
            pq.typing = pq.typing and end == n
            continue
        j = i
        while j < n and not raw[j].isspace():
            j += 1
        chunk = raw[i:j]
        m = _FILTER_RE.match(chunk)
        if m and m.group(2).startswith('"'):
            end = raw.find('"', i + len(m.group(1)) + 2)
            end = n if end < 0 else end
            value = raw[i + len(m.group(1)) + 2 : end]
            j = min(n, end + 1)
            m = None if not value.strip() else m
            if m:
                pq.filters.append((m.group(1).lower(), value.strip()))
                i = j
                continue
        if m and m.group(2).strip('"'):
            pq.filters.append((m.group(1).lower(), m.group(2).strip('"')))
        elif tx.words(chunk):
            pq.words.append(chunk)
        i = j
    if pq.filters and not pq.words and not pq.phrases:
        pq.typing = False
    return pq


def _leaf_readers(reader: Any) -> list[Any]:
    try:
        return [r for r, _ in reader.leaf_readers()]
    except AttributeError:
        return [reader]


class QueryBuilder:
    """Builds queries against one open reader (knows which terms exist)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.leaves = _leaf_readers(reader)
        self._stem_cache: dict[str, list[str]] = {}
        # Synonyms widen a word that must match ("and" mode); when every word is
        # optional ("or" mode) they would only add noise, so there they stand in
        # only for a word that is nowhere in the index.
        self.synonyms = True

    # -- terms --------------------------------------------------------------
    def has(self, fieldname: str, term: str) -> bool:
        try:
            return (fieldname, term) in self.reader
        except Exception:
            return False

    def doc_frequency(self, fieldname: str, term: str) -> int:
        try:
            return self.reader.doc_frequency(fieldname, term)
        except Exception:
            return 0

    def _iter_prefix(self, fieldname: str, prefix: str, scan: int) -> dict[str, int]:
        """term -> doc frequency for indexed terms starting with prefix."""
        out: dict[str, int] = {}
        for leaf in self.leaves:
            try:
                it = leaf.iter_prefix(fieldname, prefix)
                for k, (term, info) in enumerate(it):
                    if k >= scan:
                        break
                    t = term.decode("utf-8") if isinstance(term, bytes) else term
                    out[t] = out.get(t, 0) + info.doc_frequency()
            except Exception:
                continue
        return out

    def same_stem(self, word: str) -> list[str]:
        """Indexed prose words with the same stem as word (word itself excluded)."""
        if word in self._stem_cache:
            return self._stem_cache[word]
        s = tx.stem(word)
        found: list[str] = []
        if len(s) >= 3 and word.isalpha():
            base = s[:-1] if s.endswith("i") and len(s) > 3 else s
            found = [
                t
                for t in self._iter_prefix("text", base, MAX_STEM_SCAN)
                if t != word and tx.stem(t) == s
            ]
        self._stem_cache[word] = found
        return found

    def term_queries(self, term: str) -> list[wq.Query]:
        """Per-field queries for one analysed term (plus stem variants)."""
        qs: list[wq.Query] = []
        s = tx.stem(term)
        for f in WORD_FIELDS:
            boost = FIELD_BOOSTS[f]
            if self.has(f, term):
                qs.append(wq.Term(f, term, boost=boost))
            if f in NAME_FIELDS and s != term and self.has(f, s):
                qs.append(wq.Term(f, s, boost=boost * 0.9))
        for variant in self.same_stem(term):
            qs.append(wq.Term("text", variant, boost=FIELD_BOOSTS["text"] * 0.8))
        use_synonyms = self.synonyms or not qs  # or the word itself is nowhere
        for syn in tx.SYNONYMS.get(term, ()) if use_synonyms else ():
            for f in WORD_FIELDS:
                if self.has(f, syn):
                    qs.append(wq.Term(f, syn, boost=FIELD_BOOSTS[f] * SYNONYM_WEIGHT))
        return qs

    def word_query(self, chunk: str) -> wq.Query | None:
        """The query for one free-text chunk; None when nothing can match it."""
        alternatives: list[wq.Query] = []
        cmd = tx.command_token(chunk)
        if cmd and self.has("commands", cmd):
            alternatives.append(wq.Term("commands", cmd, boost=FIELD_BOOSTS["commands"] * 2))
        runs: list[wq.Query] = []
        for w in tx.words(chunk):
            terms = tx.word_terms(w)
            whole = self.term_queries(terms[0])
            parts_q: wq.Query | None = None
            if len(terms) > 1:
                subs = [self.term_queries(p) for p in terms[1:]]
                if all(subs):
                    parts_q = wq.And([_or(s) for s in subs])
            options = [*whole, *([parts_q] if parts_q else [])]
            if not options:
                runs = []
                break
            runs.append(_or(options))
        if runs:
            alternatives.append(runs[0] if len(runs) == 1 else wq.And(runs))
        return _or(alternatives) if alternatives else None

    def prefix_query(self, chunk: str) -> wq.Query | None:
        """Matches indexed words starting with the chunk's last word."""
        ws = tx.words(chunk)
        if not ws:
            return None
        prefix = ws[-1].lower()
        if len(prefix) < MIN_PREFIX:
            return self.word_query(chunk)
        qs: list[wq.Query] = []
        for f in PREFIX_FIELDS:
            found = self._iter_prefix(f, prefix, MAX_PREFIX_SCAN)
            if not found:
                continue
            top = sorted(found.items(), key=lambda kv: -kv[1])[:MAX_PREFIX_TERMS]
            boost = FIELD_BOOSTS[f]
            for term, _df in top:
                # exact word scores a little above its longer completions
                qs.append(wq.Term(f, term, boost=boost if term == prefix else boost * 0.8))
        head = chunk[: chunk.lower().rfind(prefix)] if len(ws) > 1 else ""
        first = self.word_query(head) if head.strip() and tx.words(head) else None
        if not qs:
            return None
        pq = wq.Or(qs)
        return wq.And([first, pq]) if first is not None else pq

    def phrase_query(self, words: list[str]) -> wq.Query | None:
        terms: list[str] = []
        for w in words:
            t = tx.word_terms(w)
            terms.extend(t[1:] if len(t) > 1 else t)
        if len(terms) == 1:
            return self.word_query(terms[0])
        qs = [wq.Phrase(f, terms, boost=FIELD_BOOSTS[f] * 1.5) for f in PHRASE_FIELDS]
        return wq.Or(qs)

    def filter_query(self, name: str, value: str) -> wq.Query:
        v = value.strip()
        if name == "source":
            return wq.Term("source", v)
        fieldname = {"tag": "tags", "alert": "alerts"}.get(name, name)
        qs: list[wq.Query] = [wq.Term(fieldname, tx.keyword(v)), wq.Term(fieldname, tx.compact(v))]
        ws = [w.lower() for w in tx.words(v)]
        if name == "alert" and len(ws) == 1:
            qs.append(wq.Term(fieldname, ws[0]))
        if name == "owner" and ws:
            qs.append(wq.And([wq.Term(fieldname, w) for w in ws]))
        return wq.Or(qs)

    # -- spelling -------------------------------------------------------------
    def known(self, chunk: str) -> bool:
        return self.word_query(chunk) is not None

    def correct_word(self, word: str) -> str | None:
        """Closest indexed word (1 edit, or 2 for long words), most frequent first."""
        w = word.lower()
        if len(w) < 4 or not w.isalpha():
            return None
        for dist in (1, 2) if len(w) >= 7 else (1,):
            cands: dict[str, int] = {}
            for leaf in self.leaves:
                for f in SPELLING_FIELDS:
                    try:
                        for t in leaf.terms_within(f, w, dist, prefix=1):
                            if t != w:
                                cands[t] = cands.get(t, 0) + self.doc_frequency(f, t)
                    except Exception:
                        continue
            cands = {
                t: n
                for t, n in cands.items()
                if t not in tx.STOP_WORDS and (len(w) > 4 or len(t) == len(w))
            }
            if cands:
                return max(sorted(cands), key=lambda t: cands[t])
        return None


def _or(qs: list[wq.Query]) -> wq.Query:
    return qs[0] if len(qs) == 1 else wq.Or(qs)


@dataclass
class Plan:
    """The query to run and what it was built from."""

    query: wq.Query | None
    corrected: str | None = None
    highlight: list[str] = field(default_factory=list)  # words for snippets/sections


def is_stop(chunk: str) -> bool:
    ws = [w.lower() for w in tx.words(chunk)]
    return bool(ws) and all(w in tx.STOP_WORDS for w in ws)


def build(
    builder: QueryBuilder,
    pq: ParsedQuery,
    *,
    prefix: bool = False,
    mode: str = "and",
    replacements: dict[str, str] | None = None,
) -> wq.Query | None:
    """One query for the parsed input. mode "and": every content word must match;
    "or": any may. Filters always apply. None when nothing can match."""
    replacements = replacements or {}
    builder.synonyms = mode == "and"
    words = [replacements.get(w, w) for w in pq.words]
    required: list[wq.Query] = []
    optional: list[wq.Query] = []
    for idx, chunk in enumerate(words):
        last = idx == len(words) - 1
        if prefix and last and pq.typing:
            q = builder.prefix_query(chunk)
        else:
            q = builder.word_query(chunk)
        if q is None:
            if mode == "and" and not is_stop(chunk):
                return None
            continue
        (optional if is_stop(chunk) and len(words) > 1 else required).append(q)
    for phrase in pq.phrases:
        q = builder.phrase_query(phrase)
        if q is None:
            if mode == "and":
                return None
            continue
        required.append(q)
    filters = [builder.filter_query(n, v) for n, v in pq.filters]
    if mode == "or" and required:
        required = [wq.Or(required)]
    if not required and optional:
        required, optional = [wq.Or(optional)], []
    parts = required + filters
    if not parts:
        return None
    main = parts[0] if len(parts) == 1 else wq.And(parts)
    if optional:
        main = wq.AndMaybe(main, wq.Or(optional))
    return main


def highlight_words(pq: ParsedQuery, replacements: dict[str, str] | None = None) -> list[str]:
    """Lower-case words (and identifier parts) worth marking in snippets."""
    replacements = replacements or {}
    out: list[str] = []
    for chunk in pq.words:
        for w in tx.words(replacements.get(chunk, chunk)):
            out.extend(tx.word_terms(w))
    for phrase in pq.phrases:
        out.extend(phrase)
    for name, value in pq.filters:
        if name in ("alert", "tag"):
            out.extend(w.lower() for w in tx.words(value))
    return [w for w in tx.unique(out) if w not in tx.STOP_WORDS]
