"""From what the user typed to Whoosh queries, never raising on odd input.

Grammar (everything else is plain text, so ``etcdserver: no leader``,
``FATAL:``, ``a:b "unclosed``, ``*``, ``(`` and ``-`` are just words):

* ``"quoted phrase"`` (an unclosed quote runs to the end),
* filters ``tag:`` ``owner:`` ``severity:`` ``source:`` ``alert:`` (value may be quoted),
* free words.

Ranking (no recall cliff): every content word (function words and question
words such as "how do I", "what counts as" are dropped) is one *unit*; the
query is an ``Or`` of units, so any partial match can fill the page. Each
unit that matches adds a coordination bonus proportional to its IDF
(:class:`Bonus`), so documents matching all the words rank first, then those
matching the rarer words. A unit is a handful of posting lists: the word in
the weighted ``names`` field (and its stem), its stem in ``body``, plus
defined-acronym expansions and on-call synonyms. The query tree is evaluated
term-at-a-time by :mod:`.engine` (Whoosh's matchers stay usable: ``Bonus``
has one, and ``_Or`` is a binary union tree so block-quality skipping works).

While typing, the last word is a prefix expanded over at most
``MAX_PREFIX_TERMS`` lexicon entries per field (most frequent first, at most
``MAX_PREFIX_SCAN`` scanned). A word found nowhere in the index is replaced
by its closest indexed name word ("did you mean").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from rbdesk.core.search import text as tx
from rbdesk.core.search.schema import FIELD_BOOSTS, SPELLING_FIELDS
from rbdesk.core.search.sections import Need, needs

_FILTER_RE = re.compile(r"(?i)^(tag|owner|severity|source|alert):(.*)$", re.S)
MIN_PREFIX = 3  # characters before the word being typed is prefix-expanded
MAX_PREFIX_TERMS = 6  # most frequent expansions kept per field
MAX_PREFIX_SCAN = 3000  # lexicon entries looked at per field and prefix
SYNONYM_WEIGHT = 0.5  # a synonym counts half as much as the word typed
ACRONYM_WEIGHT = 0.6  # a defined acronym's long form (or the reverse)
ANY_PART_WEIGHT = 0.1  # one part of an identifier, in the last widening pass
MAX_ACRONYM_FORMS = 2
# Coordination: a matching unit adds BONUS * idf; a word's own BM25 score is
# about idf * (0..2.2), so a unit more mostly outranks a better tf.
BONUS = 1.0


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


class _Or(wq.Or):
    """Or as a binary tree of UnionMatchers (block-quality skipping works).

    Whoosh's automatic choice preloads every posting into arrays
    (``ArrayUnionMatcher``) for small indexes or many clauses: no skipping.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


def _or(qs: list[wq.Query]) -> wq.Query:
    return qs[0] if len(qs) == 1 else _Or(qs)


class Bonus(wq.WrappingQuery):
    """Adds a constant to the score of every document the child matches."""

    def __init__(self, child: wq.Query, bonus: float) -> None:
        super().__init__(child)
        self.bonus = bonus

    def __repr__(self) -> str:
        return f"Bonus({self.child!r}, {self.bonus:.2f})"

    def _rewrap(self, child: wq.Query) -> wq.Query:
        return Bonus(child, self.bonus)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        m = self.child.matcher(searcher, context)
        if not m.is_active() or (context is not None and context.weighting is None):
            return m
        return _BonusMatcher(m, self.bonus)


def _bonus_matcher_class():
    from whoosh.matching import NullMatcher, WrappingMatcher

    class BonusMatcher(WrappingMatcher):
        def __init__(self, child: Any, bonus: float) -> None:
            super().__init__(child)
            self.bonus = bonus

        def copy(self) -> Any:
            return BonusMatcher(self.child.copy(), self.bonus)

        def replace(self, minquality: float = 0) -> Any:
            if not self.child.is_active():
                return NullMatcher()
            r = self.child.replace(max(0.0, minquality - self.bonus) if minquality else 0)
            return self if r is self.child else BonusMatcher(r, self.bonus)

        def next(self) -> Any:
            return self.child.next()  # True on a new block: the collector checks quality

        def skip_to_quality(self, minquality: float) -> int:
            return self.child.skip_to_quality(minquality - self.bonus)

        def max_quality(self) -> float:
            return self.child.max_quality() + self.bonus

        def block_quality(self) -> float:
            return self.child.block_quality() + self.bonus

        def score(self) -> float:
            return self.child.score() + self.bonus

    return BonusMatcher


class _LazyBonusMatcher:
    cls: Any = None

    def __call__(self, child: Any, bonus: float) -> Any:
        if self.cls is None:
            self.cls = _bonus_matcher_class()
        return self.cls(child, bonus)


_BonusMatcher = _LazyBonusMatcher()


class PhraseCheck(wq.WrappingQuery):
    """The child's documents whose text contains the words in this order.

    Evaluated by :mod:`.engine`, which checks the best-scoring candidates'
    files (the body field has no positions).
    """

    def __init__(self, child: wq.Query, words: list[str]) -> None:
        super().__init__(child)
        self.words = words

    def __repr__(self) -> str:
        return f"PhraseCheck({self.child!r}, {self.words!r})"

    def _rewrap(self, child: wq.Query) -> wq.Query:
        return PhraseCheck(child, self.words)


def phrase_pattern(words: list[str]) -> re.Pattern[str]:
    """Lower-case words in order, separated by anything but letters and digits.

    Match it against lower-cased text with :func:`has_phrase` (the pattern
    starts with a literal, so ``re`` scans for it at C speed).
    """
    body = r"[\W_]+".join(re.escape(w.lower()) for w in words)
    return re.compile(body + r"(?![^\W_])")


def has_phrase(pattern: re.Pattern[str], text: str) -> bool:
    low = text.lower()
    for m in pattern.finditer(low):
        i = m.start()
        if i == 0 or not low[i - 1].isalnum():
            return True
    return False


def _leaf_readers(reader: Any) -> list[Any]:
    try:
        return [r for r, _ in reader.leaf_readers()]
    except AttributeError:
        return [reader]


@dataclass
class Unit:
    """One content word (or phrase, or punctuated chunk) of the query."""

    text: str
    query: wq.Query | None
    idf: float = 1.0


class QueryBuilder:
    """Builds queries against one open reader (knows which terms exist)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.leaves = _leaf_readers(reader)
        try:
            self.doc_count = max(1, reader.doc_count_all())
        except Exception:
            self.doc_count = 1
        self._defs: dict[str, list[str]] = {}
        # 0: an identifier is matched whole (or by all its parts when nobody
        # writes it whole); 1: also by all its telling parts (a second pass
        # when the exact name found fewer hits than the page); 2: also by any
        # of them (a last pass, so that related runbooks fill the page)
        self.widen = 0

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

    def idf(self, df: int) -> float:
        return math.log(self.doc_count / (df + 1)) + 1.0

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

    def definitions(self, key: str) -> list[str]:
        """What the library defines for key ("rto" -> ["recovery time objective"])."""
        if key not in self._defs:
            found = self._iter_prefix("defs", key + "=", 50)
            ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
            forms: dict[tuple[str, ...], str] = {}
            for t, _ in ranked:
                lf = t[len(key) + 1 :]
                forms.setdefault(tuple(tx.stem(w) for w in lf.split()), lf)
            self._defs[key] = list(forms.values())[:MAX_ACRONYM_FORMS]
        return self._defs[key]

    # -- per-word alternatives ---------------------------------------------
    def _term_alts(self, term: str, weight: float = 1.0) -> tuple[list[wq.Query], int]:
        """Queries for one lower-case term in names and body, and its largest df."""
        qs: list[wq.Query] = []
        df = 0
        nb, bb = FIELD_BOOSTS["names"] * weight, FIELD_BOOSTS["body"] * weight
        s = tx.stem(term)
        for t in dict.fromkeys((term, s)):
            n = self.doc_frequency("names", t)
            if n:
                qs.append(wq.Term("names", t, boost=nb if t == term else nb * 0.9))
                df = max(df, n)
        bt = tx.body_term(term)
        n = self.doc_frequency("body", bt)
        if n:
            qs.append(wq.Term("body", bt, boost=bb))
            df = max(df, n)
        return qs, df

    def _words_and(self, ws: list[str], weight: float) -> wq.Query | None:
        subs = []
        for w in ws:
            qs, _ = self._term_alts(w, weight)
            if not qs:
                return None
            subs.append(_or(qs))
        if not subs:
            return None
        return subs[0] if len(subs) == 1 else wq.And(subs)

    def word_alts(self, word: str) -> tuple[list[wq.Query], int]:
        """Alternatives for one \\w+ word of the query, and its df (0: unknown)."""
        terms = tx.word_terms(word)
        whole = terms[0]
        qs, df = self._term_alts(whole)
        if len(terms) > 1 and (not qs or self.widen):
            # an identifier nobody writes as one word: its parts, all of them
            parts = list(terms[1:])
            # the telling parts (not "t", "4" of ...T4)
            telling = [t for t in parts if len(t) > 1 and not t.isdigit()]
            if qs:  # widening: the telling parts only
                parts = telling or parts
            parts_q = self._words_and(parts, 0.3 if qs else 0.8)
            if parts_q is not None:
                qs.append(parts_q)
                df = max(df, 1)
            if self.widen >= 2:
                for part in (t for t in telling if t not in tx.STOP_WORDS):
                    part_qs, part_df = self._term_alts(part, ANY_PART_WEIGHT)
                    qs.extend(part_qs)
                    df = max(df, min(part_df, 1))
        for syn in tx.SYNONYMS.get(whole, ()):
            sq, sdf = self._term_alts(syn, SYNONYM_WEIGHT)
            qs.extend(sq)
            df = df or (sdf and max(1, sdf))
        if whole.isalnum() and 2 <= len(whole) <= 8 and df <= max(20, self.doc_count // 50):
            # a rare acronym the library defines: its long form too (a common
            # one is already everywhere; expanding it would only cost time)
            for lf in self.definitions(whole):
                q = self._words_and(
                    [w for w in lf.split() if w not in tx.STOP_WORDS], ACRONYM_WEIGHT
                )
                if q is not None:
                    qs.append(q)
                    df = df or 1
        return qs, df

    def chunk_unit(self, chunk: str, question: bool) -> Unit:
        """The unit for one free-text chunk (words glued by punctuation)."""
        alts: list[wq.Query] = []
        df = 0
        cmd = tx.command_token(chunk)
        if cmd:
            n = self.doc_frequency("commands", cmd)
            if n:
                alts.append(wq.Term("commands", cmd, boost=FIELD_BOOSTS["commands"] * 2))
                df = n
        ws = [w for w in tx.words(chunk) if not tx.is_function_word(w, question)] or tx.words(chunk)
        if len(ws) == 1:
            qs, wdf = self.word_alts(ws[0])
            alts.extend(qs)
            df = max(df, wdf)
        elif ws:
            # "RUN-007" -> run007, "kube-pod-crash-looping", "status.example.io",
            # "fail-over": the joined form (names and body), and the words in a row
            whole = tx.compact(chunk)
            for f, t in (("names", whole), ("body", tx.body_term(whole))):
                n = self.doc_frequency(f, t)
                if n:
                    alts.append(wq.Term(f, t, boost=FIELD_BOOSTS[f] * 2))
                    df = max(df, n)
            low = [w.lower() for w in ws]
            if all(self.has("names", w) for w in low):
                alts.append(wq.Phrase("names", low, boost=FIELD_BOOSTS["names"] * 2))
            subs = []
            for w in ws:
                qs, wdf = self.word_alts(w)
                if qs:
                    subs.append(_or(qs))
                    df = max(df, wdf)
            if subs:
                alts.append(subs[0] if len(subs) == 1 else wq.And(subs))
        q = _or(alts) if alts else None
        return Unit(chunk, q, self.idf(df) if q is not None else 0.0)

    def compound_spans(self, chunks: list[str], stop: int) -> dict[int, tuple[int, str]]:
        """start -> (end, joined) for runs of 2-4 words the library writes as one
        ("switch over" -> switchover, "time out" -> timeout, "status example io"),
        longest first, among chunks[:stop]."""
        spans: dict[int, tuple[int, str]] = {}
        i = 0
        while i < stop - 1:
            first = chunks[i].lower()
            if not (first.isalpha() and first not in tx.STOP_WORDS):
                i += 1
                continue
            for k in (4, 3, 2):
                j = i + k
                if j > stop:
                    continue
                run = [c.lower() for c in chunks[i:j]]
                if not all(c.isalnum() for c in run) or run[-1] in tx.STOP_WORDS - tx.PARTICLES:
                    continue
                joined = "".join(run)
                if len(joined) < 5:
                    continue
                if self.has("names", joined) or self.has("body", tx.body_term(joined)):
                    spans[i] = (j, joined)
                    break
            i = spans[i][0] if i in spans else i + 1
        return spans

    def joined_alts(self, joined: str, words: int) -> tuple[list[wq.Query], int]:
        """The joined form of a run of words, for each of the run's word units
        (weighted so that the run counts about once)."""
        return self._term_alts(joined, 1.0 / max(1, words))

    def prefix_unit(self, chunk: str, question: bool, body: bool = True) -> Unit:
        """The word being typed: a bounded prefix expansion (names, and body)."""
        ws = tx.words(chunk)
        prefix = ws[-1].lower() if ws else ""
        if len(prefix) < MIN_PREFIX:
            return self.chunk_unit(chunk, question)
        qs: list[wq.Query] = []
        df = 0
        fields = ("names", "body") if body else ("names",)
        for f in fields:
            if f == "body" and len(qs) >= MAX_PREFIX_TERMS // 2:
                break  # names answer the keystroke; the body waits for Enter/pause
            found = self._iter_prefix(f, prefix, MAX_PREFIX_SCAN)
            if f == "body":
                bt = tx.body_term(prefix)
                if bt != prefix and bt not in found:
                    n = self.doc_frequency("body", bt)
                    if n:
                        found[bt] = n
            top = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_PREFIX_TERMS]
            boost = FIELD_BOOSTS[f]
            for term, n in top:
                exact = term == prefix or (f == "body" and term == tx.body_term(prefix))
                qs.append(wq.Term(f, term, boost=boost if exact else boost * 0.8))
                df = max(df, n)
        if len(ws) > 1:
            head = self.chunk_unit(chunk[: chunk.lower().rfind(prefix)], question)
            if head.query is not None and qs:
                return Unit(chunk, wq.And([head.query, _or(qs)]), head.idf)
        if not qs:
            return Unit(chunk, None, 0.0)
        return Unit(chunk, _or(qs), self.idf(df))

    def phrase_unit(self, words: list[str]) -> Unit:
        terms: list[str] = []
        for w in words:
            t = tx.word_terms(w)
            terms.extend(t[1:] if len(t) > 1 else t)
        if len(terms) == 1:
            return self.chunk_unit(terms[0], False)
        qs: list[wq.Query] = []
        df = 0
        if all(self.has("names", t) for t in terms):
            qs.append(wq.Phrase("names", terms, boost=FIELD_BOOSTS["names"] * 1.5))
        bterms = tx.unique(tx.body_term(t) for t in terms)
        if all(self.has("body", t) for t in bterms):
            body_and = wq.And(
                [wq.Term("body", t, boost=FIELD_BOOSTS["body"] * 1.5) for t in bterms]
            )
            qs.append(PhraseCheck(body_and, [w.lower() for w in words]))
            df = min(self.doc_frequency("body", t) for t in bterms)
        q = _or(qs) if qs else None
        return Unit(" ".join(words), q, self.idf(df) if q is not None else 0.0)

    def reverse_acronyms(self, chunks: list[str]) -> list[Unit]:
        """Query words that spell a long form the library defines -> its acronym."""
        ws = [w.lower() for c in chunks for w in tx.words(c)]
        out: list[Unit] = []
        for n in range(5, 1, -1):
            for i in range(0, len(ws) - n + 1):
                lf = " ".join(ws[i : i + n])
                found = self._iter_prefix("defs", f"~{lf}=", 10)
                for term in sorted(found, key=lambda t: -found[t])[:1]:
                    acr = term.rsplit("=", 1)[-1]
                    qs, df = self._term_alts(acr, ACRONYM_WEIGHT)
                    if qs:
                        out.append(Unit(acr, _or(qs), self.idf(df) * ACRONYM_WEIGHT))
        return out

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
        return _Or(qs)

    # -- spelling -------------------------------------------------------------
    def known(self, chunk: str) -> bool:
        return self.chunk_unit(chunk, False).query is not None

    def correct_word(self, word: str) -> str | None:
        """Closest indexed name word (1 edit, or 2 for long words), most frequent first."""
        w = word.lower()
        if len(w) < 4 or not w.isalpha():
            return None
        for dist in (1, 2) if len(w) >= 7 else (1,):
            cands: dict[str, int] = {}
            for leaf in self.leaves:
                for f in (*SPELLING_FIELDS, "body"):
                    try:
                        for t in leaf.terms_within(f, w, dist, prefix=1):
                            if t != w and t.isalpha():
                                cands[t] = cands.get(t, 0) + self.doc_frequency(f, t)
                    except Exception:
                        continue
                if cands:
                    break
            cands = {
                t: n
                for t, n in cands.items()
                if t not in tx.STOP_WORDS and (len(w) > 4 or len(t) == len(w))
            }
            # an indexed stem ("failov") stands for its surface word ("failover")
            for t in list(cands):
                st = tx.stem(t)
                if t in cands and st != t and st in cands:
                    cands[t] += cands.pop(st)
            if cands:
                best = max(sorted(cands), key=lambda t: cands[t])
                return self._surface(best)
        return None

    def _surface(self, term: str) -> str:
        """A word to show for an indexed term: body terms are stems ("databas"),
        so the shortest name word they start ("database") stands in."""
        if self.has("names", term):
            return term
        found = [t for t in self._iter_prefix("names", term, 200) if t.isalpha()]
        if found:
            return min(found, key=lambda t: (len(t), t))
        return term


@dataclass
class Plan:
    """The query to run and what it was built from."""

    query: wq.Query | None
    units: list[Unit] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)  # what a covering heading covers

    @property
    def idf_sum(self) -> float:
        return sum(u.idf for u in self.units if u.query is not None)


def is_stop(chunk: str) -> bool:
    ws = [w.lower() for w in tx.words(chunk)]
    return bool(ws) and all(w in tx.STOP_WORDS for w in ws)


def content_chunks(pq: ParsedQuery, replacements: dict[str, str] | None = None) -> list[str]:
    """The free-text chunks that carry meaning (all of them when none does)."""
    replacements = replacements or {}
    chunks = [replacements.get(w, w) for w in pq.words]
    question = tx.is_question([w for c in chunks for w in tx.words(c)])
    keep = [c for c in chunks if not all(tx.is_function_word(w, question) for w in tx.words(c))]
    if not keep and not pq.phrases:
        keep = chunks  # "the", "how to": search the words themselves
    return keep


def build(
    builder: QueryBuilder,
    pq: ParsedQuery,
    *,
    prefix: bool = False,
    replacements: dict[str, str] | None = None,
    body: bool = True,
) -> Plan:
    """One ranked query for the parsed input: an Or of units with coordination
    bonuses, And-ed with the filters. ``query`` is None when nothing can match.

    Words that match nothing never narrow the filters to everything: a query
    whose every word and phrase is unknown finds nothing.
    """
    replacements = replacements or {}
    chunks = [replacements.get(w, w) for w in pq.words]
    question = tx.is_question([w for c in chunks for w in tx.words(c)])
    keep = content_chunks(pq, replacements)
    units: list[Unit] = []
    typing_last = prefix and pq.typing and bool(chunks) and not pq.phrases
    # words the library (also) writes joined: the joined word answers for each
    spans = builder.compound_spans(chunks, len(chunks) - 1 if typing_last else len(chunks))
    run_of = {i: (start, end, joined) for start, (end, joined) in spans.items()
              for i in range(start, end)}  # fmt: skip
    for idx, chunk in enumerate(chunks):
        if chunk not in keep:
            continue
        if typing_last and idx == len(chunks) - 1:
            units.append(builder.prefix_unit(chunk, question, body=body))
            continue
        unit = builder.chunk_unit(chunk, question)
        if idx in run_of:
            start, end, joined = run_of[idx]
            members = sum(chunks[i] in keep for i in range(start, end))
            qs, df = builder.joined_alts(joined, members)
            if qs:
                unit = Unit(
                    chunk,
                    _or(([unit.query] if unit.query is not None else []) + qs),
                    unit.idf if unit.query is not None else builder.idf(df),
                )
        units.append(unit)
    for phrase in pq.phrases:
        units.append(builder.phrase_unit(phrase))
    if len(keep) > 1:
        units.extend(builder.reverse_acronyms(keep))
    wanted = needs(
        [c if c in keep else "" for c in chunks],
        question,
        {i: joined for i, (_s, _e, joined) in run_of.items()},
        typing_last,
    )
    if pq.phrases:
        wanted += [Need(frozenset({w, tx.stem(w)})) for p in pq.phrases for w in p]
    live = [u for u in units if u.query is not None]
    filters = [builder.filter_query(n, v) for n, v in pq.filters]
    main: wq.Query | None = None
    if len(live) == 1:
        main = live[0].query
    elif live:
        main = _Or([Bonus(u.query, BONUS * u.idf) for u in live])
    if pq.phrases and not pq.words and any(u.query is None for u in units):
        return Plan(None, units)  # a phrase-only query is exact
    if (pq.words or pq.phrases) and main is None:
        return Plan(None, units)
    parts = ([main] if main is not None else []) + filters
    if not parts:
        return Plan(None, units)
    q = parts[0] if len(parts) == 1 else wq.And(parts)
    return Plan(q, units, wanted)


def highlight_words(pq: ParsedQuery, replacements: dict[str, str] | None = None) -> list[str]:
    """Lower-case words (and identifier parts) worth marking in snippets."""
    replacements = replacements or {}
    out: list[str] = []
    chunks = [replacements.get(c, c) for c in pq.words]
    for chunk in chunks:
        for w in tx.words(chunk):
            out.extend(tx.word_terms(w))
    for i in range(len(chunks) - 1):  # "switch over": the library's "switchover" too
        a, b = chunks[i].lower(), chunks[i + 1].lower()
        if a.isalpha() and b.isalpha() and tx.is_compound(a, b):
            out.append(a + b)
    for phrase in pq.phrases:
        out.extend(phrase)
    for name, value in pq.filters:
        if name in ("alert", "tag"):
            out.extend(w.lower() for w in tx.words(value))
    return [w for w in tx.unique(out) if w not in tx.STOP_WORDS]
