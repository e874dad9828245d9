"""Result types of search (plain dataclasses, cheap to import)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class SearchCancelled(Exception):
    """Raised inside a search when its cancel token was set (not an error)."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    source: str
    path: str  # relative to the source root
    title: str
    section: str  # best matching section title ("" for the top)
    anchor: str  # its anchor ("" for the top)
    score: float
    snippet: str  # plain text; matched words wrapped in « » (see snippets.MARK_START)
    owner: str = ""
    severity: str = ""
    last_tested: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    total: int  # matching runbooks before the limit
    corrected: str | None  # the query that was run when spelling was corrected
    hits: list[SearchHit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "corrected": self.corrected,
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass(frozen=True, slots=True)
class AlertMatch:
    """`rbdesk alert NAME`: the runbooks for an alert, or the nearest names."""

    name: str
    hits: list[SearchHit]
    nearest: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert": self.name,
            "found": bool(self.hits),
            "hits": [
                {k: v for k, v in h.to_dict().items() if k not in ("score", "snippet")}
                for h in self.hits
            ],
            "nearest": list(self.nearest),
        }
