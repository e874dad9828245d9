"""BM25F with per-field K1/B for rbdesk's two searched fields (names, body)."""

from __future__ import annotations

from typing import Any

from whoosh.scoring import BM25F, BM25FScorer, WeightScorer

from rbdesk.core.search.schema import BODY_B, BODY_K1, NAMES_B, NAMES_K1

_PARAMS = {"names": (NAMES_B, NAMES_K1), "body": (BODY_B, BODY_K1)}


class RbWeighting(BM25F):
    """BM25F whose K1 and B depend on the field (block quality still supported)."""

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        b, k1 = _PARAMS.get(fieldname, (self.B, self.K1))
        return BM25FScorer(searcher, fieldname, text, b, k1, qf=qf)


def weighting() -> RbWeighting:
    return RbWeighting(B=BODY_B, K1=BODY_K1)
