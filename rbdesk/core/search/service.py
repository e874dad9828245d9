"""SearchService: keeps one open index per library root and answers queries.

See the package docstring for the API. Whoosh is imported on first use only.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rbdesk.core.search.results import AlertMatch, SearchCancelled, SearchHit, SearchResult

if TYPE_CHECKING:
    from rbdesk.core.library.roots import LibraryRoot
    from rbdesk.core.search.lookup import NameLookup
    from rbdesk.core.search.store import BuildProgress, BuildStats

FINGERPRINT_TTL = 30.0  # s a folder root's file-list hash is trusted (then refreshed aside)


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


@dataclass
class _Opened:
    index_dir: Path
    ix: Any
    searcher: Any
    engine: Any = None
    paths: list[str] | None = None  # every indexed path (see lookup), read once


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:60] or "source"


class RootsProvider(Protocol):
    """What the service needs of the library: where data lives and the current roots."""

    data_dir: Path

    def roots(self) -> list[LibraryRoot]: ...


class SearchService:
    """Search across every root of a Library (thread-safe; one query at a time)."""

    def __init__(self, library: RootsProvider) -> None:
        self.library = library
        self._lock = threading.RLock()
        self._opened: dict[str, _Opened] = {}
        self._light: dict[str, _Opened] = {}  # light readers for name lookups (see lookup)
        self._fingerprints: dict[str, tuple[float, Path, str]] = {}
        self._refreshing: set[str] = set()

    # -- index locations and builds ----------------------------------------
    def index_dir_for(self, root: LibraryRoot) -> Path:
        """Where root's index lives (inside the snapshot, or under the data dir)."""
        if root.index_dir is not None:
            return Path(root.index_dir)
        return (
            Path(self.library.data_dir)
            / "index"
            / f"{_safe_name(root.name)}-{self._fingerprint(root)}"
        )

    def _fingerprint(self, root: LibraryRoot) -> str:
        """root's file-list hash (folder roots without a snapshot index dir).

        Hashing walks every file, so a query never waits for it once it is
        known: past ``FINGERPRINT_TTL`` the known value is used while a
        background thread computes the new one (a changed folder is picked up
        by the next query after that).
        """
        now = time.monotonic()
        hit = self._fingerprints.get(root.name)
        if hit and hit[1] == Path(root.root):
            if now - hit[0] >= FINGERPRINT_TTL and root.name not in self._refreshing:
                self._refreshing.add(root.name)
                threading.Thread(
                    target=self._refresh_fingerprint, args=(root,), daemon=True
                ).start()
            return hit[2]
        return self._refresh_fingerprint(root)

    def _refresh_fingerprint(self, root: LibraryRoot) -> str:
        from rbdesk.core.search.store import root_fingerprint

        try:
            fp = root_fingerprint(Path(root.root))
            self._fingerprints[root.name] = (time.monotonic(), Path(root.root), fp)
            return fp
        finally:
            self._refreshing.discard(root.name)

    def build_index(
        self,
        root: LibraryRoot,
        previous_root: LibraryRoot | None = None,
        progress: BuildProgress | None = None,
    ) -> BuildStats:
        """Build root's index, reusing previous_root's for unchanged files.

        Sync's ``on_snapshot`` hook calls this (through the facade) before the
        snapshot is published; ``progress(done, total, message)`` is optional.
        """
        return self._build(root, previous_root, progress)

    def _build(
        self,
        root: LibraryRoot,
        previous_root: LibraryRoot | None = None,
        progress: BuildProgress | None = None,
    ) -> BuildStats:
        from rbdesk.core.search.store import build, cleanup_siblings

        dest = self.index_dir_for(root)
        previous = self.index_dir_for(previous_root) if previous_root is not None else None
        fp = "" if root.index_dir is not None else dest.name.rsplit("-", 1)[-1]
        stats = build(Path(root.root), root.name, dest, previous, progress, fingerprint=fp)
        if root.index_dir is None:
            cleanup_siblings(dest, f"{_safe_name(root.name)}-")
        return stats

    def ensure_index(self, root: LibraryRoot, progress: BuildProgress | None = None) -> Path:
        """root's index directory, built first when missing, foreign or outdated."""
        from rbdesk.core.search.store import is_current

        dest = self.index_dir_for(root)
        if not is_current(dest):
            self._build(root, None, progress)
        return dest

    def reindex_files(self, root: LibraryRoot, index_dir: Path, relpaths: list[str]) -> BuildStats:
        """Re-index the given files of root in place (the index stays open elsewhere)."""
        from rbdesk.core.search.store import update_in_place

        with self._lock:
            stats = update_in_place(Path(root.root), root.name, Path(index_dir), relpaths)
            self._forget(root.name)
        return stats

    # -- open indexes -------------------------------------------------------
    def _forget(self, name: str) -> None:
        opened = self._opened.pop(name, None)
        if opened is not None:
            with contextlib.suppress(Exception):
                opened.searcher.close()

    def _searcher(self, root: LibraryRoot) -> Any:
        from rbdesk.core.search.store import IndexUnavailable, open_index
        from rbdesk.core.search.weighting import weighting

        dest = self.index_dir_for(root)
        opened = self._opened.get(root.name)
        if opened is not None and opened.index_dir == dest:
            return opened.searcher
        try:
            ix = open_index(dest)
        except IndexUnavailable:
            self._build(root)  # missing, old format or corrupt: rebuild (atomically)
            ix = open_index(dest)
        if opened is not None:
            self._forget(root.name)
        from rbdesk.core.search.engine import Engine
        from rbdesk.core.search.snippets import read_text

        searcher = ix.searcher(weighting=weighting())
        base = Path(root.root)

        def text_of(docnum: int) -> str:
            info = searcher.stored_fields(docnum).get("info") or {}
            return read_text(base / info.get("path", "")) if info.get("path") else ""

        self._opened[root.name] = _Opened(dest, ix, searcher, Engine(searcher, text_of))
        return searcher

    def close(self) -> None:
        with self._lock:
            for name in list(self._opened):
                self._forget(name)
            for held in self._light.values():
                with contextlib.suppress(Exception):
                    held.searcher.close()
            self._light.clear()

    # -- queries ---------------------------------------------------------------
    def search(
        self,
        query: str,
        limit: int = 20,
        source: str | None = None,
        snippets: bool = True,
        cancel: CancelToken | None = None,
    ) -> SearchResult:
        """Enter-style search: whole words, phrases, filters, fuzzy fallback."""
        return self._search(query, limit, source, snippets, cancel, typing=False)

    def prefix_search(
        self,
        text: str,
        limit: int = 20,
        source: str | None = None,
        cancel: CancelToken | None = None,
        snippets: bool = False,
    ) -> SearchResult:
        """As-you-type search: the word being typed matches as a prefix (≥3 chars).

        ``snippets=False``: a keystroke. ``snippets=True``: what the list shows
        once typing pauses (and ``rbdesk search --prefix``): the same ranking
        with snippets, and when the prefix matches nothing, the whole-word
        search answers instead (so a typo still gets its "did you mean"), as
        it does when the text ends with a space (the last word is finished).
        """
        if snippets and text[-1:].isspace():  # a finished word: it counts whole
            return self._search(text, limit, source, snippets, cancel, typing=False)
        res = self._search(text, limit, source, snippets, cancel, typing=True)
        if snippets and not res.hits:
            return self._search(text, limit, source, snippets, cancel, typing=False)
        return res

    def _search(
        self,
        text: str,
        limit: int,
        source: str | None,
        snippets: bool,
        cancel: CancelToken | None,
        typing: bool,
    ) -> SearchResult:
        from rbdesk.core.search import query as qm

        pq = qm.parse_query(text)
        if pq.empty:
            return SearchResult(text, 0, None, [])
        for name, value in pq.filters:
            if name == "source":
                source = source or value
        with self._lock:
            roots = [r for r in self.library.roots() if not source or r.name == source]
            found: list[tuple[float, LibraryRoot, Any, dict]] = []
            total = 0
            corrected: str | None = None
            words: list[str] = []
            for root in roots:
                _check(cancel)
                n, corr, hits, hl = self._search_root(root, pq, limit, typing, cancel)
                total += n
                corrected = corrected or corr
                words = words or hl
                found.extend((score, root, docnum, info) for score, docnum, info in hits)
            found.sort(key=lambda t: -t[0])
            hits_out: list[SearchHit] = []
            for score, root, _docnum, info in found[:limit]:
                _check(cancel)
                hits_out.append(self._hit(root, info, score, words, snippets, pq.words, typing))
        return SearchResult(text, total, corrected, hits_out)

    def _run(self, root: LibraryRoot, plan: Any, limit: int, cancel: CancelToken | None):
        """(total, [(score, docnum, info)]) of the top ``limit`` documents (see
        .engine), re-ranked by section evidence (see .sections)."""
        from rbdesk.core.search import sections
        from rbdesk.core.search.engine import Cancelled

        opened = self._opened[root.name]
        pool = limit + sections.POOL if plan.needs else limit
        try:
            total, best = opened.engine.top(plan.query, pool, cancel=cancel)
        except Cancelled:
            raise SearchCancelled() from None
        stored = opened.searcher.stored_fields
        hits = [(score, docnum, stored(docnum)["info"]) for score, docnum in best]
        return total, sections.lift(hits, plan.needs, plan.idf_sum, limit)

    def _search_root(self, root: LibraryRoot, pq: Any, limit: int, typing: bool, cancel: Any):
        from rbdesk.core.search import query as qm
        from rbdesk.core.search import text as tx

        searcher = self._searcher(root)
        builder = qm.QueryBuilder(searcher.reader())
        fixed = self._corrections(builder, pq, typing)
        words = qm.highlight_words(pq, fixed)
        plan = qm.build(builder, pq, prefix=typing, replacements=fixed)
        if plan.query is None:
            return 0, None, [], words
        n, hits = self._run(root, plan, limit, cancel)
        identifier = any(len(tx.word_terms(w)) > 1 for c in pq.words for w in tx.words(c))
        while n < limit and not typing and identifier and builder.widen < 2:
            # an exact identifier found fewer runbooks than the page holds: all
            # its parts ("kube pod crash looping"), then any of them, fill the
            # rest, ranked below it
            builder.widen += 1
            wide = qm.build(builder, pq, prefix=typing, replacements=fixed)
            if wide.query is not None:
                n, hits = self._run(root, wide, limit, cancel)
        corrected = _corrected_text(pq, fixed) if fixed and n else None
        return n, corrected, hits, words

    @staticmethod
    def _corrections(builder: Any, pq: Any, typing: bool) -> dict[str, str]:
        """Words found nowhere in the index -> the closest indexed word."""
        from rbdesk.core.search import query as qm
        from rbdesk.core.search import text as tx

        fixed: dict[str, str] = {}
        for i, chunk in enumerate(pq.words):
            if typing and pq.typing and i == len(pq.words) - 1:
                continue  # still being typed
            if qm.is_stop(chunk) or builder.known(chunk):
                continue
            ws = tx.words(chunk)
            if len(ws) != 1:
                continue
            better = builder.correct_word(ws[0])
            if better:
                fixed[chunk] = better
        return fixed

    def _hit(
        self,
        root: LibraryRoot,
        info: dict,
        score: float,
        words: list[str],
        snippets: bool,
        query_chunks: list[str],
        typing: bool = False,
    ) -> SearchHit:
        from rbdesk.core.search.snippets import locate, locate_by_headings
        from rbdesk.core.search.text import compact

        wanted = {compact(w) for w in words} | {compact(q) for q in query_chunks}
        stem = Path(info["path"]).name.split(".")[0]
        names = {compact(info.get("title", "")), compact(stem)}
        typed = compact("".join(query_chunks)) if typing else ""
        # the tightest heading covering the query (.sections), else the top when
        # the query names the runbook itself, else the best section for the words
        preferred = tuple(info["open"]) if info.get("open") else None
        if preferred is None and (
            wanted & names or (len(typed) >= 3 and any(n.startswith(typed) for n in names))
        ):
            preferred = ("", "")
        for name, section, anchor in info.get("alerts", []):
            if compact(name) in wanted and anchor:
                preferred = (section, anchor)
                break
        if typing and not snippets:
            section, anchor, snippet = locate_by_headings(
                info.get("sections", []), words, info.get("title", ""), preferred
            )
        else:
            section, anchor, snippet = locate(
                Path(root.root) / info["path"],
                info.get("sections", []),
                words,
                info.get("title", ""),
                want_snippet=snippets,
                preferred=preferred,
            )
        return SearchHit(
            source=root.name,
            path=info["path"],
            title=info.get("title", ""),
            section=section,
            anchor=anchor,
            score=round(float(score), 4),
            snippet=snippet,
            owner=info.get("owner", ""),
            severity=info.get("severity", ""),
            last_tested=info.get("last_tested", ""),
        )

    # -- name lookups (the REF resolver's candidates; see .lookup) -----------------
    def lookup(self, root: LibraryRoot, name: str) -> NameLookup | None:
        """root's indexed paths and the ones whose alert names, titles or ids hold the
        compact name; None when root has no built index (the caller walks the files).
        Never builds an index: resolving a name must not wait for one. Uses the open
        search index when there is one, else a light reader (see ``store.open_index``)."""
        from rbdesk.core.search import lookup as lk
        from rbdesk.core.search.text import compact

        with self._lock:
            held = self._lookup_reader(root)
            if held is None:
                return None
            if held.paths is None:
                held.paths = lk.indexed_paths(held.searcher)
            return lk.NameLookup(held.paths, lk.named_paths(held.searcher, compact(name)))

    def id_terms(self, root: LibraryRoot) -> list[str] | None:
        """Compact id-shaped terms of root's names (``run042``); None without a built index."""
        from rbdesk.core.search import lookup as lk

        with self._lock:
            held = self._lookup_reader(root)
            return None if held is None else lk.id_terms(held.searcher)

    def _lookup_reader(self, root: LibraryRoot) -> _Opened | None:
        from rbdesk.core.search.store import open_index

        try:
            dest = self.index_dir_for(root)
            for cache in (self._opened, self._light):
                held = cache.get(root.name)
                if held is not None and held.index_dir == dest:
                    return held
            ix = open_index(dest, light=True)
        except Exception:  # missing, old or unreadable: the caller walks the files instead
            return None
        stale = self._light.pop(root.name, None)
        if stale is not None:
            with contextlib.suppress(Exception):
                stale.searcher.close()
        held = _Opened(dest, ix, ix.searcher())
        self._light[root.name] = held
        return held

    # -- alerts ------------------------------------------------------------------
    def alert_names(self) -> list[tuple[LibraryRoot, str, str, str, dict]]:
        """(root, name, section, anchor, info) for every alert of every root.

        Besides the alerts the parser found, a runbook whose file name is an
        identifier (``KubePodCrashLooping.md``) answers for that name too.
        """
        out = []
        with self._lock:
            for root in self.library.roots():
                searcher = self._searcher(root)
                for fields in searcher.reader().all_stored_fields():
                    info = fields.get("info") or {}
                    for name, section, anchor in info.get("alerts", []):
                        out.append((root, name, section, anchor, info))
                    stem = _identifier_stem(info.get("path", ""))
                    if stem:
                        out.append((root, stem, "", "", info))
        return out

    def find_alert(self, name: str) -> AlertMatch:
        """The runbooks (and sections) for an alert name, or the nearest names.

        Hits come in the roots' order (the sources' precedence), then by path.
        Answered from posting lists and the path term list (see .lookup), not
        from every document's stored fields.
        """
        import difflib

        from rbdesk.core.search import lookup as lk
        from rbdesk.core.search.text import compact

        key = compact(name)
        hits: list[SearchHit] = []
        with self._lock:
            roots = self.library.roots()
            held: list[_Opened] = []
            for root in roots:
                h = self._lookup_reader(root)
                if h is None:  # not built yet: build it as a search would
                    self._searcher(root)
                    h = self._opened[root.name]
                if h.paths is None:
                    h.paths = lk.indexed_paths(h.searcher)
                held.append(h)
                hits += self._alert_hits(root, h.searcher, key, h.paths)
            if hits:
                return AlertMatch(name, hits, [])
            near = lk.nearest_alert_names([h.searcher for h in held], key)
            stems: dict[str, str] = {}
            for h in held:
                for path in h.paths or []:
                    stem = _identifier_stem(path)
                    if stem:
                        stems.setdefault(compact(stem), stem)
            close = difflib.get_close_matches(key, sorted(stems), n=5, cutoff=0.6)
        return AlertMatch(name, [], list(dict.fromkeys([*near, *(stems[c] for c in close)]))[:5])

    def _alert_hits(
        self, root: LibraryRoot, searcher: Any, key: str, paths: list[str]
    ) -> list[SearchHit]:
        from rbdesk.core.search import lookup as lk
        from rbdesk.core.search.text import compact

        found: dict[str, tuple[str, str]] = {}  # path -> (section, anchor)
        reader = searcher.reader()
        raw = key.encode("utf-8")
        docs = list(reader.postings("alerts", raw).all_ids()) if ("alerts", raw) in reader else []
        infos: dict[str, dict] = {}
        for docnum in docs:
            info = searcher.stored_fields(docnum).get("info") or {}
            for alert, section, anchor in info.get("alerts", []):
                path = info["path"]
                if compact(alert) == key and (path not in found or not found[path][1]):
                    found[path] = (section, anchor)
                    infos[path] = info
        for path in paths:
            stem = _identifier_stem(path)
            if stem and compact(stem) == key:
                found.setdefault(path, ("", ""))
        out = []
        for path in sorted(found):
            info = infos.get(path) or lk.info_of(searcher, path)
            section, anchor = found[path]
            out.append(
                SearchHit(
                    root.name,
                    path,
                    info.get("title", ""),
                    section,
                    anchor,
                    1.0,
                    "",
                    info.get("owner", ""),
                    info.get("severity", ""),
                    info.get("last_tested", ""),
                )
            )
        return out


_IDENTIFIER = re.compile(r"[A-Za-z][a-z0-9]*(?:[A-Z][A-Za-z0-9]*)+|[a-z0-9]+(?:_[a-z0-9]+)+")


def _identifier_stem(path: str) -> str:
    """The file name of path when it is an identifier (``KubePodCrashLooping.md``), else ""."""
    stem = path.rsplit("/", 1)[-1].split(".")[0]
    return stem if _IDENTIFIER.fullmatch(stem) else ""


def _corrected_text(pq: Any, fixed: dict[str, str]) -> str:
    out = []
    for chunk in pq.raw.split():
        out.append(fixed.get(chunk, chunk))
    return " ".join(out)


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.is_set():
        raise SearchCancelled()
