"""Search over the library. All Whoosh use lives in this package.

PLACEHOLDER until the search issue lands: a naive substring scan with the
final public API (SearchService, SearchResult, SearchHit).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rbdesk.core.library import Library


@dataclass(frozen=True, slots=True)
class SearchHit:
    source: str
    path: str  # relative to the source root
    title: str
    section: str  # best matching section title ("" for the top)
    anchor: str  # its anchor ("" for the top)
    score: float
    snippet: str  # plain text; matched terms wrapped in «» markers? see highlight
    owner: str = ""
    severity: str = ""
    last_tested: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    total: int
    corrected: str | None
    hits: list[SearchHit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "corrected": self.corrected,
            "hits": [h.to_dict() for h in self.hits],
        }


class SearchService:
    def __init__(self, library: Library) -> None:
        self.library = library

    def search(
        self, query: str, limit: int = 20, source: str | None = None, snippets: bool = True
    ) -> SearchResult:
        q = query.lower().strip()
        hits = []
        for f in self.library.files(source):
            rb = self.library.load(f)
            if q and q in (rb.title + "\n" + rb.body).lower():
                hits.append(
                    SearchHit(
                        f.source,
                        f.relpath,
                        rb.title,
                        "",
                        "",
                        1.0,
                        "",
                        rb.owner,
                        str(rb.meta.get("severity", "")),
                        str(rb.meta.get("last_tested", "")),
                    )
                )
        return SearchResult(query, len(hits), None, hits[:limit])
