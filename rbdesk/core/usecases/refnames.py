"""Alert names, ids and page names → runbooks, one source at a time.

The evidence rules of :mod:`.refs` for names: what counts as a runbook "for"
an alert name or an id, in which order, inside ONE source. The resolver asks
every source in rank order and the highest-ranked source with any evidence
wins (see :class:`rbdesk.core.usecases.refs.RefResolver`).

Inside a source, in this order (today's order, kept):

* id ``RUN-007``: a file name starting with the id, then a front-matter /
  header ``id:``;
* alert name: a runbook that declares the alert exactly, then in another case,
  then a file named after it, then a runbook titled so.

The candidates come from the source's search index when it is built (its
term lists, see ``core/search/lookup.py``: no file is read but the few that
can match); otherwise from a walk of the files with a cheap byte pre-filter.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbdesk.core.facade import Library
    from rbdesk.core.library.roots import LibraryRoot, RunbookFile

Hit = tuple["RunbookFile", str]  # (file, anchor)


def compact(text: str) -> str:
    """Letters and digits only, lower case (``kube-pod_crash`` = ``KubePodCrash``)."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


class NameFinder:
    """Finds runbooks by name inside one source; caches each source's file list."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._paths: dict[str, list[str]] = {}
        self._indexed: dict[tuple[str, str], list[str] | None] = {}
        self._stems: dict[tuple[str, bool], dict[str, list[str]]] = {}

    # -- candidates -----------------------------------------------------------------
    def _lookup(self, root: LibraryRoot, name: str) -> list[str] | None:
        """Paths the index says can carry name (None: no index, walk instead)."""
        key = (root.name, name)
        if key not in self._indexed:
            try:
                found = self.lib.search.lookup(root, name)
            except Exception:  # no usable index: the walk answers
                found = None
            self._indexed[key] = None if found is None else found.named
            if found is not None:
                self._paths.setdefault(root.name, found.paths)
        return self._indexed[key]

    def paths(self, root: LibraryRoot) -> list[str]:
        """Every runbook path of root (the index's term list, else a walk)."""
        if root.name not in self._paths:
            self._lookup(root, "")
        if root.name not in self._paths:
            from rbdesk.core.library.roots import iter_runbook_files

            self._paths[root.name] = [rel for rel, _p in iter_runbook_files(root.root)]
        return self._paths[root.name]

    def stems(self, root: LibraryRoot, compact_form: bool) -> dict[str, list[str]]:
        """root's paths by file stem (``a/KubeDown.md`` → ``kubedown``; compact or only
        lower-cased), built once: a miss must not touch every path again."""
        key = (root.name, compact_form)
        if key not in self._stems:
            out: dict[str, list[str]] = {}
            for p in self.paths(root):
                base = p.rsplit("/", 1)[-1]
                stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
                norm = compact(stem) if compact_form else stem.strip().lower()
                out.setdefault(norm, []).append(p)
            self._stems[key] = out
        return self._stems[key]

    def _file(self, root: LibraryRoot, rel: str) -> RunbookFile | None:
        from rbdesk.core.library.roots import RunbookFile

        path = root.root / rel
        return RunbookFile(root.name, rel, path) if path.is_file() else None

    def _files(self, root: LibraryRoot, rels: list[str]) -> list[RunbookFile]:
        return [f for f in (self._file(root, r) for r in rels) if f is not None]

    def mentioning(self, root: LibraryRoot, name: str, compact_form: bool) -> list[RunbookFile]:
        """root's files that could declare name as an alert, id or title."""
        indexed = self._lookup(root, name)
        if indexed is not None:
            return self._files(root, indexed)
        files = self._files(root, self.paths(root))
        if compact_form:
            return _mentioning_compact(files, compact(name))
        return _mentioning(files, name.strip().lower())

    # -- evidence, one source ---------------------------------------------------------
    def alert_hits(
        self, root: LibraryRoot, name: str, compact_form: bool = False, every: bool = True
    ) -> list[Hit]:
        """root's runbooks for alert name, best evidence first (see the module docstring);
        without every, file names and titles are not looked at once an alert matched."""

        def norm(text: str) -> str:
            return compact(text) if compact_form else text.strip().lower()

        want = norm(name)
        if not want:
            return []
        candidates = [(f, self.lib.load(f)) for f in self.mentioning(root, name, compact_form)]
        exact: list[Hit] = []
        loose: list[Hit] = []
        for f, rb in candidates:
            same = next((a for a in rb.alerts if a.name == name), None)
            if same is not None:
                exact.append((f, same.anchor))
                continue
            near = next((a for a in rb.alerts if norm(a.name) == want), None)
            if near is not None:
                loose.append((f, near.anchor))
        if (exact or loose) and not every:
            return _first_per_file(exact + loose)
        stems = [(f, "") for f in self._files(root, self.stems(root, compact_form).get(want, []))]
        titles = [(f, "") for f, rb in candidates if norm(rb.title) == want]
        return _first_per_file(exact + loose + stems + titles)

    def id_hits(self, root: LibraryRoot, ident: str) -> list[Hit]:
        """root's runbooks for id: file name first, then front matter / header ``id``."""
        want = ident.lower()
        named = []
        for p in self.paths(root):
            base = p[p.rfind("/") + 1 :].lower()
            if base.startswith(want) and not base[len(want) : len(want) + 1].isdigit():
                named.append(p)
        hits: list[Hit] = [(f, "") for f in self._files(root, named)]
        indexed = self._lookup(root, ident)
        if indexed is not None:
            candidates = self._files(root, indexed)
        else:
            candidates = _mentioning(self._files(root, self.paths(root)), want)
        hits += [(f, "") for f in candidates if self.lib.load(f).id.lower() == want]
        return _first_per_file(hits)


def collisions(resolver) -> list[tuple[str, str, list[str]]]:
    """(kind, name, ["source:relpath", …] in rank order) for every alert name and id that
    more than one source holds a runbook for (``rbdesk doctor``). Candidates come from
    the indexes (alert names, identifier file names, id-shaped names and file names),
    then each is resolved per source with the resolver's own rules."""
    from rbdesk.core.search.text import compact as index_compact

    roots = [r for r in resolver.roots if r.kind != "samples"]
    if len(roots) < 2:
        return []
    alert_roots: dict[str, set[str]] = {}
    written: dict[str, str] = {}
    try:
        for root, name, _section, _anchor, _info in resolver.lib.search.alert_names():
            key = index_compact(name)
            alert_roots.setdefault(key, set()).add(root.name)
            written.setdefault(key, name)
    except Exception:  # no usable index: alert collisions cannot be listed cheaply
        alert_roots = {}
    id_roots: dict[str, set[str]] = {}
    shape = re.compile(r"([a-z]{2,8})-?(\d{1,6})(?!\d)")
    for root in roots:
        ids = [
            m.group(1) + m.group(2)
            for p in resolver.names.paths(root)
            if (m := shape.match(p.rsplit("/", 1)[-1].lower()))
        ]
        with contextlib.suppress(Exception):  # no usable index: file names only
            ids += resolver.lib.search.id_terms(root) or []
        for i in set(ids):
            id_roots.setdefault(i, set()).add(root.name)
    out: list[tuple[str, str, list[str]]] = []
    for key in sorted(k for k, names in alert_roots.items() if len(names) > 1):
        name = written[key]
        hits = [resolver._alert_hits_of(r, name) for r in roots]
        _add(out, "alert", name, roots, hits)
    for key in sorted(k for k, names in id_roots.items() if len(names) > 1):
        m = shape.fullmatch(key)
        ident = f"{m.group(1)}-{m.group(2)}".upper() if m else key
        _add(out, "id", ident, roots, [resolver.names.id_hits(r, ident) for r in roots])
    return out


def _add(out: list, kind: str, name: str, roots: list, hits: list[list[Hit]]) -> None:
    held = [f"{r.name}:{h[0][0].relpath}" for r, h in zip(roots, hits, strict=True) if h]
    if len(held) > 1:
        out.append((kind, name, held))


def close_names(want: str, keys: list[str], n: int, cutoff: float) -> list[str]:
    """difflib's closest keys to want; on a large sorted key list only among the keys
    sharing a prefix with want (the whole list took seconds on 200,000 file names)."""
    import bisect
    import difflib

    if len(keys) > 5000:
        near: list[str] = []
        for k in range(min(len(want), 12), 2, -1):
            prefix = want[:k]
            i = bisect.bisect_left(keys, prefix)
            while i < len(keys) and keys[i].startswith(prefix) and len(near) < 400:
                near.append(keys[i])
                i += 1
            if len(near) >= 50:
                break
        keys = sorted(set(near))
    return difflib.get_close_matches(want, keys, n=n, cutoff=cutoff)


def _first_per_file(hits: list[Hit]) -> list[Hit]:
    seen: set[str] = set()
    out = []
    for f, anchor in hits:
        if f.relpath not in seen:
            seen.add(f.relpath)
            out.append((f, anchor))
    return out


_NOT_ALNUM = bytes(b for b in range(256) if not (48 <= b <= 57 or 97 <= b <= 122))


def _mentioning_compact(files: list[RunbookFile], want_compact: str) -> list[RunbookFile]:
    """The files whose letters and digits, run together, hold ``want_compact``.

    The compact twin of :func:`_mentioning`: a byte scan, no parsing, so a miss
    stays fast on a library without an index.
    """
    from rbdesk.core.runbook.markdown import MAX_FILE_BYTES

    if not want_compact:
        return []
    want = want_compact.encode("ascii", "ignore")
    found = []
    for f in files:
        try:
            with open(f.path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES)
        except OSError:
            continue
        if want in data.lower().translate(None, _NOT_ALNUM) or want in compact(f.relpath).encode():
            found.append(f)
    return found


def _mentioning(files: list[RunbookFile], lowered: str) -> list[RunbookFile]:
    """The files that could name ``lowered`` (a lower-case alert name, id or title).

    A cheap pre-filter before parsing (parsing every file of a large library
    took seconds for a miss). The parser takes alerts, ids and titles from the
    file name or from a few written forms — a backticked name, ``alert: name``
    (also in a list after it), a table cell or list entry, a heading or
    ``title:`` line. A name with digits, ``_``, ``-`` or ``.`` (an identifier)
    counts wherever it stands as a whole word; a plain word ("pod") only in
    those forms, since it is in most files as prose. Markdown ``\\_``
    escapes are ignored.
    """
    from rbdesk.core.runbook.markdown import MAX_FILE_BYTES

    name = lowered.strip()
    if not name:
        return []
    loose = re.sub(r"[-_\s]+", " ", name)
    n = re.escape(name.encode("utf-8"))
    q = rb"[\"'`]?"
    alternatives = [
        rb"`" + n + rb"`",
        rb"\b(?:alert|id|title)\w*\s*[:=][^\n]*?(?<![\w-])" + n + rb"(?![\w-])",
        rb"\|\s*" + q + rb"\[?" + n + rb"\]?" + q + rb"\s*(?:\||$|\()",
        rb"^\s*[-*]\s*" + q + n + q + rb"\s*$",
        rb"^[ \t]*(?:#+[ \t]*)?(?:\w+-\d+[ \t]*\S?[ \t]*)?" + n + rb"[ \t]*#*[ \t]*$",
    ]
    if not re.fullmatch(r"[a-z ]+", name):
        alternatives.append(rb"(?<![\w-])" + n + rb"(?![\w-])")
    forms = re.compile(b"|".join(alternatives), re.IGNORECASE | re.MULTILINE)
    needle = name.encode("utf-8")
    out: list[RunbookFile] = []
    for f in files:
        rel = f.relpath.lower()
        if loose in re.sub(r"[-_\s]+", " ", rel) or name in rel:
            out.append(f)
            continue
        if not name.isascii():
            out.append(f)  # case folding of bytes is ASCII only: let the parser decide
            continue
        try:
            with open(f.path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except OSError:
            continue
        if b"\\" in data:
            data = data.replace(b"\\", b"")
        if needle in data.lower() and forms.search(data):
            out.append(f)
    return out
