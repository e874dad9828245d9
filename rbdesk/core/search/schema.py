"""The index schema: field names, boosts, and a field type fed pre-analysed terms.

Documents are analysed by :mod:`rbdesk.core.search.text` (possibly in worker
processes, see :mod:`.build`) into ready-made postings; :class:`TermsField`
hands them to Whoosh's writer as they are, which keeps index building fast.
Bump :data:`FORMAT_VERSION` whenever the schema or the analysis changes: an
index with another version is rebuilt automatically.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from whoosh import fields, formats
from whoosh.analysis import SimpleAnalyzer
from whoosh.util.varints import varint

FORMAT_VERSION = 6

# Two posting lists per query word, not ten: every name-like part of a runbook
# (title, alert names, ids, file name, tags, owner, headings, defined acronyms)
# goes into one ``names`` field, each occurrence weighted by where it came
# from (the weight is the term frequency BM25F sees: ``NAME_WEIGHTS``); all
# prose and code goes into one stemmed ``body`` field.
NAME_WEIGHTS: dict[str, float] = {
    "title": 6.0,
    "alerts": 6.0,
    "ids": 6.0,
    "file": 4.0,  # the file name (alert-named runbooks: KubePodCrashLooping.md)
    "tags": 3.0,
    "acronyms": 2.0,  # acronyms (and long forms) the runbook defines
    "headings": 2.0,
    "owner": 2.0,
    "dirs": 1.0,  # folder names of the path
}
# field -> boost used when the query is built.
FIELD_BOOSTS: dict[str, float] = {"names": 1.0, "body": 1.0, "commands": 2.0}
# BM25F per field: names take a larger K1 so that a title match (weight 6)
# clearly beats a heading match (weight 2) before saturating.
NAMES_K1 = 2.0
NAMES_B = 0.3
BODY_K1 = 1.2
BODY_B = 0.5
# Fields with positions (Whoosh phrase queries). The body has none: reading
# a posting block unpickles its values, and body positions made every query
# word's list several times slower to read (and the index bigger). A quoted
# phrase is matched in the body by checking the best candidates' text.
PHRASE_FIELDS = ("names",)
# Spelling sources for "did you mean": names hold the unstemmed words.
SPELLING_FIELDS = ("names",)


def encode_positions(positions: list[int]) -> bytes:
    """A varint count, then varint deltas (Whoosh's default pickles a list)."""
    out = bytearray(varint(len(positions)))
    base = 0
    for p in positions:
        out += varint(p - base)
        base = p
    return bytes(out)


def _read_varints(valuestring: bytes) -> list[int]:
    out: list[int] = []
    acc = shift = 0
    for b in valuestring:
        acc |= (b & 0x7F) << shift
        if b & 0x80:
            shift += 7
        else:
            out.append(acc)
            acc = shift = 0
    return out


class VarintPositions(formats.Positions):
    """Positions stored as varint deltas (Whoosh's default pickles a list)."""

    def encode(self, poslist: list[int]) -> bytes:  # type: ignore[override]
        return encode_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:  # type: ignore[override]
        out: list[int] = []
        pos = 0
        for d in _read_varints(valuestring)[1:]:
            pos += d
            out.append(pos)
        return out

    def decode_frequency(self, valuestring: bytes) -> int:  # type: ignore[override]
        vs = _read_varints(valuestring[:5])
        return vs[0] if vs else 0

    def decode_weight(self, valuestring: bytes) -> float:  # type: ignore[override]
        return float(self.decode_frequency(valuestring))


class WeightsOnly(formats.Frequency):
    """Postings with ids and weights only: no per-posting value bytes at all."""

    def fixed_value_size(self) -> int:  # type: ignore[override]
        return 0

    def decode_frequency(self, valuestring: bytes) -> int:  # type: ignore[override]
        return 1

    def decode_weight(self, valuestring: bytes) -> float:  # type: ignore[override]
        return 1.0


class TermsField(fields.FieldType):
    """A field whose value is a list of terms, (term, position) pairs or
    (term, position, weight) triples.

    ``index()`` aggregates them straight into postings: no analyzer chain
    runs at index time. With ``positions=True`` phrase queries work. The
    posting's weight (BM25F's term frequency) is the sum of the items'
    weights (1 when not given).
    """

    def __init__(self, positions: bool = False, stored: bool = False) -> None:
        fmt = VarintPositions() if positions else WeightsOnly()
        super().__init__(fmt, SimpleAnalyzer(), scorable=True, stored=stored)
        self.positions = positions

    def index(self, value: Any, **kwargs: Any):  # type: ignore[override]
        if isinstance(value, str):
            value = value.split()
        weights: dict[str, float] = defaultdict(float)
        if self.positions:
            poses: dict[str, list[int]] = defaultdict(list)
            for i, item in enumerate(value):
                if isinstance(item, tuple):
                    poses[item[0]].append(item[1])
                    weights[item[0]] += item[2] if len(item) > 2 else 1.0
                else:
                    poses[item].append(i)
                    weights[item] += 1.0
            for term, plist in poses.items():
                plist = sorted(set(plist))
                yield term.encode("utf-8"), len(plist), weights[term], encode_positions(plist)
        else:
            counts: dict[str, int] = defaultdict(int)
            for item in value:
                if isinstance(item, tuple):
                    counts[item[0]] += 1
                    weights[item[0]] += item[2] if len(item) > 2 else 1.0
                else:
                    counts[item] += 1
                    weights[item] += 1.0
            for term, n in counts.items():
                yield term.encode("utf-8"), n, weights[term], b""


def build_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),  # "<relpath>"
        source=fields.ID(stored=True),
        # Searched for every query word:
        names=TermsField(positions=True),
        body=TermsField(),
        # Searched only for a punctuated command token (--all-namespaces).
        commands=TermsField(),
        # Filters (tag:, owner:, severity:, alert:) only.
        tags=TermsField(),
        owner=TermsField(),
        severity=TermsField(),
        alerts=TermsField(),
        # "rto=recovery time objective" and "~recovery time objective=rto":
        # the vocabulary this library defines, looked up by prefix.
        defs=TermsField(),
        # Stored only: what a hit shows without opening the file.
        info=fields.STORED(),
    )
