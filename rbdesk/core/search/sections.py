"""Section-level evidence: the heading that says what the query says.

A heading (or the title, or the file name) that covers every content word of
the query lifts its runbook above those that only mention the words, and
becomes the section the hit opens at. "Covers" is per word: the word, its
stem, an on-call synonym, its identifier parts, or the joined form of a run
of words the query writes apart ("triggering a switch over" is covered by
"Triggering a switchover"). The tighter the heading (fewer words besides the
query's), the larger the lift, so "Kube API down" beats "Kube aggregated API
down" for "kube api down".

Pure Python over the stored ``info`` of the best candidates (no Whoosh).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rbdesk.core.search import text as tx

# A covering heading adds LIFT x (the query's summed unit IDF) x tightness.
LIFT = 1.0
POOL = 10  # candidates beyond the page that may be lifted into it


@dataclass(frozen=True)
class Need:
    """One content word of the query: any form in a heading's terms covers it."""

    forms: frozenset[str]
    prefix: str = ""  # the word being typed: a heading term starting with it covers it

    @property
    def cheap(self) -> tuple[str, ...]:
        """Starts of the forms, one of which a covering heading's compact text
        contains (a stem may end differently from the word: "primari")."""
        return tuple(f[: max(3, len(f) - 2)] for f in self.forms) + (
            (self.prefix,) if self.prefix else ()
        )

    def covered(self, terms: frozenset[str]) -> bool:
        if self.forms & terms:
            return True
        return bool(self.prefix) and any(t.startswith(self.prefix) for t in terms)


def _forms(word: str) -> set[str]:
    w = word.lower()
    out = {w, tx.stem(w)}
    for syn in tx.SYNONYMS.get(w, ()):
        out |= {syn, tx.stem(syn)}
    return out


def needs(
    chunks: list[str],
    question: bool,
    joined: dict[int, str],
    typing_last: bool = False,
) -> list[Need]:
    """What a heading must cover: one :class:`Need` per content word.

    ``joined``: chunk index -> the joined form of the run it is in (either
    form covers). An identifier or punctuated chunk (``status.example.io``)
    is covered whole or by all its parts (one need per part).
    """
    out: list[Need] = []
    for i, chunk in enumerate(chunks):
        ws = [w for w in tx.words(chunk) if not tx.is_function_word(w, question)]
        if not ws:
            continue
        whole = tx.compact(chunk)
        extra = {joined[i], tx.stem(joined[i])} if i in joined else set()
        if typing_last and i == len(chunks) - 1:
            out.append(Need(frozenset(extra), prefix=whole))
            continue
        parts = [p for w in ws for p in (tx.word_terms(w)[1:] or tx.word_terms(w))]
        if len(parts) == 1:
            out.append(Need(frozenset(_forms(parts[0]) | extra | {whole})))
            continue
        # the whole (kubepodcrashlooping) or each part
        out.extend(Need(frozenset(_forms(p) | extra | {whole})) for p in parts)
    return out


@lru_cache(maxsize=65536)
def _flat(text: str) -> str:
    return tx.compact(text)


@lru_cache(maxsize=16384)
def heading_terms(text: str) -> tuple[frozenset[str], int]:
    """A heading's terms (words, stems, joins) and its size in content words
    (cached: the same candidates come back keystroke after keystroke)."""
    terms = {t for t, _ in tx.name_terms(text)}
    size = sum(1 for w in tx.words(text) if w.lower() not in tx.STOP_WORDS) or 1
    size = max(size, len(tx.split_identifier(text)))
    return frozenset(terms | {tx.stem(t) for t in terms} | {tx.compact(text)}), size


def best_heading(
    info: dict[str, Any], wanted: list[Need], cheap: list[tuple[str, ...]] | None = None
) -> tuple[str, str, float] | None:
    """(section title, anchor, tightness 0..1) of the tightest heading covering
    every need ("" anchor: the title or file name), or None. ``cheap``: the
    needs' :attr:`Need.cheap` (computed once per query by :func:`lift`)."""
    if not wanted:
        return None
    title = str(info.get("title", ""))
    stem = str(info.get("path", "")).rsplit("/", 1)[-1].split(".")[0]
    cands: list[tuple[str, str]] = [("", title), ("", stem)]
    for sec in info.get("sections", []):
        stitle, anchor = str(sec[0]), str(sec[1])
        cands.append((anchor, stitle))
    best: tuple[str, str, float] | None = None
    cheap = cheap if cheap is not None else [n.cheap for n in wanted]
    for anchor, text in cands:
        flat = _flat(text)
        if not flat or not all(any(c in flat for c in starts) for starts in cheap):
            continue  # most headings: ruled out by substring tests alone
        terms, size = heading_terms(text)
        if not all(n.covered(terms) for n in wanted):
            continue
        tight = min(1.0, len(wanted) / size)
        if best is None or tight > best[2]:
            best = ("" if not anchor else text, anchor, tight)
    return best


def lift(
    hits: list[tuple[float, int, dict]], wanted: list[Need], idf_sum: float, limit: int
) -> list[tuple[float, int, dict]]:
    """The candidates re-ranked by section evidence, cut to limit; a lifted
    hit's info carries ``open`` = (section, anchor) (a copy; stored info is
    never changed)."""
    if not wanted:
        return hits[:limit]
    out = []
    cheap = [n.cheap for n in wanted]
    for score, docnum, info in hits:
        found = best_heading(info, wanted, cheap)
        if found is not None:
            section, anchor, tight = found
            score += LIFT * idf_sum * tight
            info = {**info, "open": (section, anchor)}
        out.append((score, docnum, info))
    out.sort(key=lambda t: (-t[0], t[1]))
    return out[:limit]
