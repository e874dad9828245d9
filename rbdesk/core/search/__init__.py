"""Runbook search over the library. All Whoosh use lives in this package.

Importing this package is cheap: Whoosh is imported on the first query or
build (``service``, ``store``, ``query`` and ``schema`` import it).

API (for the CLI and the GUI)::

    svc = library.search                        # SearchService(library)
    res = svc.search("etcd no leader", limit=20)          # Enter: with snippets
    res = svc.prefix_search("kubepodcr", limit=20, cancel=token)  # per keystroke
    res.total, res.corrected, res.hits[0].anchor, res.hits[0].snippet
    svc.find_alert("KubePodCrashLooping")       # -> AlertMatch(hits, nearest)
    svc.build_index(new_root, previous_root, progress)  # sync's on_snapshot hook

* One hit per runbook, best first, with the best matching section and its
  anchor; snippets mark matched words with « ». ``total`` counts matching
  runbooks before ``limit`` (any content word matching counts: runbooks with
  all the words rank first, partial matches fill the page); ``corrected`` is
  the query that was run when a word was found nowhere in the index and
  spelling correction replaced it (else None).
* Per keystroke: call ``prefix_search`` from a worker thread and pass a
  ``cancel`` object with ``is_set()`` (a ``threading.Event``); setting it makes
  the running call raise :class:`SearchCancelled` promptly. The last word is
  matched as a prefix once it has 3 characters (shorter: as a whole word).
  Calls are serialised by a lock; the index stays open between calls and is
  reopened when a root's snapshot (index directory) changes.
* Indexes: one per root, at ``root.index_dir`` (inside a sync snapshot) or
  ``<data dir>/index/<source>-<hash of file list>``; built in a temp dir and
  renamed into place; a missing, foreign, old-format or corrupt index is
  rebuilt automatically. See :mod:`.store`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rbdesk.core.search.results import AlertMatch, SearchCancelled, SearchHit, SearchResult
    from rbdesk.core.search.service import CancelToken, SearchService

_LAZY = {
    "AlertMatch": "results",
    "SearchCancelled": "results",
    "SearchHit": "results",
    "SearchResult": "results",
    "CancelToken": "service",
    "SearchService": "service",
}


def __getattr__(name: str) -> Any:
    """Names are imported on first use: a CLI that only asks the server stays fast."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AlertMatch",
    "CancelToken",
    "SearchCancelled",
    "SearchHit",
    "SearchResult",
    "SearchService",
]
