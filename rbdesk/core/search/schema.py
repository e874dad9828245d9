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
from whoosh.system import pack_uint
from whoosh.util.varints import varint

FORMAT_VERSION = 1

# field -> boost used when the query is built (the schema stores plain weights).
FIELD_BOOSTS: dict[str, float] = {
    "title": 6.0,
    "alerts": 6.0,
    "ids": 6.0,
    "path": 3.0,
    "tags": 3.0,
    "headings": 2.0,
    "owner": 2.0,
    "severity": 1.0,
    "commands": 1.0,
    # Prose: unstemmed with positions (phrases, prefixes, spelling); stemming is
    # applied at query time by expanding a word to the indexed words with the
    # same stem (a second, stemmed copy doubled build time and index size).
    "text": 1.0,
}
# Fields whose terms come from name_terms (raw parts, joins and stems).
NAME_FIELDS = ("title", "alerts", "path", "headings")
# Fields with positions (phrase queries).
PHRASE_FIELDS = ("title", "alerts", "headings", "text")
# Fields prefix-expanded while typing, and spelling sources for "did you mean".
PREFIX_FIELDS = ("title", "alerts", "path", "headings", "text")
SPELLING_FIELDS = ("text", "alerts")


def encode_positions(positions: list[int]) -> bytes:
    """Same bytes as ``whoosh.formats.Positions.encode`` but compact varints."""
    deltas = bytearray()
    base = 0
    for p in positions:
        deltas += varint(p - base)
        base = p
    return pack_uint(len(positions)) + bytes(deltas)


class VarintPositions(formats.Positions):
    """Positions stored as varint deltas (Whoosh's default pickles a list)."""

    def encode(self, poslist: list[int]) -> bytes:  # type: ignore[override]
        return encode_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:  # type: ignore[override]
        out: list[int] = []
        pos = acc = shift = 0
        for b in valuestring[4:]:
            acc |= (b & 0x7F) << shift
            if b & 0x80:
                shift += 7
            else:
                pos += acc
                out.append(pos)
                acc = shift = 0
        return out


class TermsField(fields.FieldType):
    """A field whose value is a list of terms, or of (term, position) pairs.

    ``index()`` aggregates them straight into postings: no analyzer chain
    runs at index time. With ``positions=True`` phrase queries work.
    """

    def __init__(self, positions: bool = False, stored: bool = False) -> None:
        fmt = VarintPositions() if positions else formats.Frequency()
        super().__init__(fmt, SimpleAnalyzer(), scorable=True, stored=stored)
        self.positions = positions

    def index(self, value: Any, **kwargs: Any):  # type: ignore[override]
        if isinstance(value, str):
            value = value.split()
        if self.positions:
            poses: dict[str, list[int]] = defaultdict(list)
            for i, item in enumerate(value):
                if isinstance(item, tuple):
                    poses[item[0]].append(item[1])
                else:
                    poses[item].append(i)
            for term, plist in poses.items():
                yield term.encode("utf-8"), len(plist), float(len(plist)), encode_positions(plist)
        else:
            counts: dict[str, int] = defaultdict(int)
            for item in value:
                counts[item] += 1
            for term, n in counts.items():
                yield term.encode("utf-8"), n, float(n), pack_uint(n)


def build_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),  # "<relpath>"
        source=fields.ID(stored=True),
        title=TermsField(positions=True),
        alerts=TermsField(positions=True),
        ids=TermsField(),
        tags=TermsField(),
        owner=TermsField(),
        severity=TermsField(),
        headings=TermsField(positions=True),
        commands=TermsField(),
        path=TermsField(),
        text=TermsField(positions=True),
        # Stored only: what a hit shows without opening the file.
        info=fields.STORED(),
    )
