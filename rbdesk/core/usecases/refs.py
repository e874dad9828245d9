"""Resolve a REF to a local runbook: ``rbdesk open/show/copy REF`` and in-app links.

A REF can be, tried in this order:

* a web URL of a runbook as alerts and chat carry it: a GitHub / GitLab /
  Gitea ``blob``, ``raw``, ``tree``, ``edit``, ``blame``, ``-/blob``, ``src``
  URL of a synced repository (``?plain=1`` ignored), or a page of a docs site
  — the one the snapshot declares (Hugo ``baseURL``, MkDocs ``site_url``, see
  ``core/library/docsite.py``) or the source's ``--docs-url`` — mapped to the
  local copy, case-insensitively when exact case fails, ``#anchor`` kept
  (``#L42`` becomes the section holding line 42); as a last resort the URL's
  last path segment as an alert or file name (``how == "url-name"``);
* ``source:relpath``;
* a path relative to the current runbook (links inside the app);
* a path that names an existing file, or relative to a source's root;
* an id like ``RUN-007`` (front matter / header ``id``, or in the file name);
* an alert name (the runbook's alerts, then file name, then title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from rbdesk.core.errors import NotFoundError
from rbdesk.core.library.roots import is_runbook_name as is_runbook_path

if TYPE_CHECKING:
    from rbdesk.core.facade import Library
    from rbdesk.core.library.docsite import DocSite
    from rbdesk.core.library.roots import LibraryRoot, RunbookFile

_ID_RE = re.compile(r"^[A-Za-z]{2,8}-\d{1,6}$")
_LINE_ANCHOR_RE = re.compile(r"^L(\d+)(?:-L\d+)?$")


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where a REF points: the file, the anchor inside it, and how it was found."""

    file: RunbookFile
    anchor: str = ""
    how: str = ""  # "url", "path", "id", "alert", ...

    @property
    def source(self) -> str:
        return self.file.source

    @property
    def relpath(self) -> str:
        return self.file.relpath

    def label(self) -> str:
        where = f"{self.source}:{self.relpath}" if self.source else str(self.file.path)
        return f"{where}#{self.anchor}" if self.anchor else where


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What URL matching needs to know about a source."""

    name: str
    url: str = ""
    subdir: str = ""
    docs_prefix: str = ""


def source_infos(lib: Library, docs_prefixes: dict[str, str] | None = None) -> list[SourceInfo]:
    """Sources with their remote URLs (from sync status) and docs prefixes."""
    prefixes = dict(docs_prefixes or {})
    out: list[SourceInfo] = []
    try:
        statuses = lib.sync.status()
    except Exception:  # a broken sync config must not stop local resolution
        statuses = []
    for st in statuses:
        prefix = prefixes.get(st.name) or str(getattr(st, "docs_url", "") or "")
        out.append(SourceInfo(st.name, st.url or "", str(getattr(st, "subdir", "") or ""), prefix))
    known = {s.name for s in out}
    out += [SourceInfo(n, "", "", p) for n, p in prefixes.items() if n not in known]
    return out


def repo_key(url: str) -> str:
    """``host/owner/repo`` of a git remote or web URL (lower case, no .git)."""
    url = url.strip()
    m = re.match(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$", url)  # scp-like git@host:owner/repo
    if m and "://" not in url:
        host, path = m.group(1), m.group(2)
    else:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    return f"{host.lower()}/{path.lower()}"


_FORGE_VERBS = ("blob", "raw", "tree", "edit", "blame")


def _web_candidates(url: str) -> list[tuple[str, list[str]]]:
    """(repo key, path segments after blob/raw/…) pairs a web URL could mean."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segs = [unquote(s) for s in parts.path.split("/") if s]
    out: list[tuple[str, list[str]]] = []
    if host == "raw.githubusercontent.com" and len(segs) >= 3:
        out.append((f"github.com/{segs[0].lower()}/{segs[1].lower()}", segs[2:]))
    if "-" in segs:  # GitLab: /group/sub/repo/-/blob/ref/path
        i = segs.index("-")
        if i + 1 < len(segs) and segs[i + 1] in _FORGE_VERBS:
            key = f"{host}/{'/'.join(segs[:i]).lower()}"
            out.append((key, segs[i + 2 :]))
    if len(segs) >= 4 and segs[2] in _FORGE_VERBS:  # GitHub and friends
        out.append((f"{host}/{segs[0].lower()}/{segs[1].lower()}", segs[3:]))
    if len(segs) >= 5 and segs[2] == "src":  # Gitea/Forgejo: src/branch/<ref>/path
        rest = segs[4:] if segs[3] in ("branch", "commit", "tag") else segs[3:]
        out.append((f"{host}/{segs[0].lower()}/{segs[1].lower()}", rest))
    return out


def forge_relpaths(url: str, repo_url: str, subdir: str = "") -> list[str] | None:
    """The repository paths a GitHub/GitLab/Gitea web URL of repo_url can mean.

    None when url is not a web URL of that repository. The branch may hold
    slashes, so every split is given, shortest branch first; with subdir (the
    part of the repository a folder holds) only paths below it, made relative
    to it.
    """
    key = repo_key(repo_url)
    bare = url.split("#", 1)[0].split("?", 1)[0]
    hits = [segs for cand, segs in _web_candidates(bare) if cand == key]
    if not hits:
        return None
    sub = subdir.strip("/") + "/" if subdir.strip("/") else ""
    out: list[str] = []
    for segs in hits:
        for k in range(1, len(segs) + 1):
            rel = "/".join(segs[k:])
            if sub:
                if not (rel + "/").lower().startswith(sub.lower()):
                    continue
                rel = rel[len(sub) :]
            out.append(rel)
    return list(dict.fromkeys(out))


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _last_segment(url: str) -> str:
    """The page name a URL ends with (``.../kubepodcrashlooping/`` → kubepodcrashlooping)."""
    segs = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    while segs and segs[-1].lower().rsplit(".", 1)[0] in ("index", "_index", "readme"):
        segs.pop()
    if not segs:
        return ""
    name = segs[-1]
    for suffix in (".html", ".htm", ".md", ".markdown"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


class RefResolver:
    """Resolves REFs against one Library (create one per lookup batch)."""

    def __init__(
        self,
        lib: Library,
        docs_prefixes: dict[str, str] | None = None,
        local_files: bool = True,
    ) -> None:
        """local_files: also accept any existing file (CLI); off for links inside runbooks."""
        self.lib = lib
        self.local_files = local_files
        self.docs_prefixes = docs_prefixes or {}
        self._roots: list[LibraryRoot] | None = None

    @property
    def roots(self) -> list[LibraryRoot]:
        """The library's roots, then the bundled samples (``samples:README.md`` and the
        samples' own links still open when sources are configured; sources win)."""
        if self._roots is None:
            roots = list(self.lib.roots())
            if all(r.kind != "samples" for r in roots):
                roots.append(self.lib.samples_root())
            self._roots = roots
        return self._roots

    # -- public -------------------------------------------------------------------
    def resolve(self, ref: str, current: RunbookFile | None = None) -> Resolved:
        ref = ref.strip()
        if not ref:
            raise NotFoundError("empty reference", hint="give a path, an id, an alert or a URL")
        if re.match(r"^https?://", ref, re.I):
            return self._resolve_url(ref)
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) and not self._source_prefixed(ref):
            scheme = ref.split(":", 1)[0]
            raise NotFoundError(
                f"{scheme}: references are not opened: {ref}",
                hint="only runbook paths, ids, alert names and http(s) URLs of synced repos work",
            )
        body, _, anchor = ref.partition("#")
        found = (
            self._by_source_prefix(body)
            or (self._relative_to(current, body) if current and body else None)
            or self._by_path(body)
        )
        if found is None and not body and current is not None:
            found = current
        if found is not None:
            return Resolved(found, self._anchor(found, anchor), "path")
        if _ID_RE.match(body):
            f = self._by_id(body)
            if f is not None:
                return Resolved(f, anchor, "id")
        hit = self._by_alert(body)
        if hit is not None:
            return Resolved(hit[0], anchor or hit[1], "alert")
        raise NotFoundError(
            f"no runbook matches {ref!r}",
            hint="try a path relative to a source root, an id like RUN-007, an alert name, "
            "or `rbdesk search WORDS`",
        )

    # -- URL ------------------------------------------------------------------------
    def _resolve_url(self, url: str) -> Resolved:
        parts = urlsplit(url)
        anchor = unquote(parts.fragment)
        bare = url.split("#", 1)[0].split("?", 1)[0]
        infos = source_infos(self.lib, self.docs_prefixes)
        site_hit = False
        for info, site in self._sites(infos):
            rest = site.rest_of(bare)
            if rest is None:
                continue
            site_hit = True
            f = self._site_file(info.name, site, rest)
            if f is not None:
                return Resolved(f, self._anchor(f, anchor), "url")
        candidates = _web_candidates(bare)
        repo_hit = ""
        for info in infos:
            if not info.url:
                continue
            key = repo_key(info.url)
            for cand_key, segs in candidates:
                if cand_key != key:
                    continue
                repo_hit = info.name
                f = self._after_branch(info, segs)
                if f is not None:
                    return Resolved(f, self._anchor(f, anchor), "url")
        if not candidates or repo_hit or site_hit:
            # A docs site or wiki we cannot map (or a synced repo's moved file): the
            # page name is usually the alert name or the file name.
            hit = self._by_page_name(_last_segment(bare))
            if hit is not None:
                return Resolved(hit[0], anchor or hit[1], "url-name")
        raise self._url_not_found(url, infos, repo_hit, site_hit)

    def _url_not_found(
        self, url: str, infos: list[SourceInfo], repo_hit: str, site_hit: bool
    ) -> NotFoundError:
        nearest = self.nearest(_last_segment(url.split("#", 1)[0].split("?", 1)[0]))
        near = f"; nearest local runbooks: {', '.join(nearest)}" if nearest else ""
        if repo_hit or site_hit:
            where = f"source {repo_hit!r}" if repo_hit else "the docs site of a synced source"
            return NotFoundError(
                f"{url} belongs to {where}, but that runbook is not in the local copy{near}",
                hint="run `rbdesk sync` (it may be newer than the last sync), "
                "or `rbdesk search WORDS`",
            )
        names = ", ".join(i.name for i in infos) or "none configured"
        return NotFoundError(
            f"{url} is not a runbook of a synced source (sources: {names}){near}",
            hint="add its repository with `rbdesk source add`, or give the source its docs "
            "site with `rbdesk source add NAME URL --docs-url SITE`",
        )

    def _sites(self, infos: list[SourceInfo]) -> list[tuple[SourceInfo, DocSite]]:
        """Docs sites to try: configured prefixes first, then what snapshots declare."""
        from rbdesk.core.library.docsite import DocSite, docsite_for, normalise_base

        by_name = {r.name: r for r in self.roots}
        out: list[tuple[SourceInfo, DocSite]] = []
        declared: list[tuple[SourceInfo, DocSite]] = []
        for info in infos:
            root = by_name.get(info.name)
            site = docsite_for(root) if root is not None else None
            base = normalise_base(info.docs_prefix) if info.docs_prefix else ""
            if base:
                content = site.content_dir if site else ""
                out.append((info, DocSite(base, content, "configured")))
            if site is not None:
                declared.append((info, site))
        return out + declared

    def _site_file(self, source: str, site: DocSite, rest: str) -> RunbookFile | None:
        from rbdesk.core.library.docsite import site_candidates

        tries: list[str] = []
        if rest.lower().endswith((".md", ".markdown")):
            tries.append(rest)
        dirs = [site.content_dir]
        if site.kind == "configured":  # we do not know the layout: try the usual ones
            dirs += [d for d in ("", "content", "docs") if d != site.content_dir]
        for d in dirs:
            tries += site_candidates(replace(site, content_dir=d), rest)
            stem = f"{d}/{rest}" if d else rest
            tries.append(f"{stem.rstrip('/')}.html.md")
        for t in dict.fromkeys(tries):
            f = self._file_in(source, t, nocase=True)
            if f is not None:
                return f
        root = next((r for r in self.roots if r.name == source), None)
        if root is not None and site.kind != "mkdocs":  # Hugo front matter url/slug/aliases
            from rbdesk.core.library.docsite import hugo_page_urls, page_key

            moved = hugo_page_urls(root, site).get(page_key(rest))
            if moved is not None:
                return self._file_in(source, moved)
        return None

    def _after_branch(self, info: SourceInfo, segs: list[str]) -> RunbookFile | None:
        # The branch may contain slashes: try every split, shortest branch first.
        for nocase in (False, True):
            for k in range(1, len(segs)):
                rel = "/".join(segs[k:])
                if info.subdir:
                    sub = info.subdir.strip("/") + "/"
                    if not rel.lower().startswith(sub.lower()):
                        continue
                    rel = rel[len(sub) :]
                f = self._file_in(info.name, rel, nocase=nocase)
                if f is None and rel and not is_runbook_path(rel):  # a tree/ URL of a folder
                    for index in ("README.md", "_index.md", "index.md"):
                        f = f or self._file_in(info.name, f"{rel}/{index}", nocase=nocase)
                if f is not None:
                    return f
        return None

    def by_alert_name(self, name: str) -> tuple[RunbookFile, str] | None:
        """(file, anchor) for an alert name: exact, any case, then letters and digits only."""
        name = name.strip()
        if not name:
            return None
        return self._by_alert(name) or self._by_alert(name, compact=True)

    def _by_page_name(self, name: str) -> tuple[RunbookFile, str] | None:
        if len(_compact(name)) < 3:
            return None
        return self._by_alert(name, compact=True)

    def nearest(self, name: str, n: int = 3) -> list[str]:
        """Up to n ``source:relpath`` whose file name is closest to name."""
        import difflib

        from rbdesk.core.library.docsite import runbook_stems

        want = _compact(name)
        if not want:
            return []
        by_key: dict[str, str] = {}
        for r in self.roots:
            for rel in runbook_stems(r):
                stem = _compact(PurePosixPath(rel).stem)
                if stem in ("index", "readme"):
                    stem = _compact(PurePosixPath(rel).parent.name)
                by_key.setdefault(stem, f"{r.name}:{rel}")
        close = difflib.get_close_matches(want, sorted(by_key), n=n, cutoff=0.5)
        return [by_key[k] for k in close]

    # -- paths ------------------------------------------------------------------------
    def _file_in(self, source: str, rel: str, nocase: bool = False) -> RunbookFile | None:
        """The runbook at rel in source; nocase: also when only the case differs."""
        from rbdesk.core.library.docsite import find_nocase
        from rbdesk.core.library.roots import RunbookFile, is_runbook_name

        for r in self.roots:
            if r.name != source:
                continue
            root = r.root.resolve()
            target = (root / rel).resolve()
            if target.is_relative_to(root) and target.is_file() and is_runbook_name(target.name):
                return RunbookFile(r.name, target.relative_to(root).as_posix(), target)
            if nocase:
                found = find_nocase(r, PurePosixPath(rel).as_posix())
                if found is not None:
                    return RunbookFile(r.name, found, root / found)
        return None

    def _source_prefixed(self, ref: str) -> bool:
        name = ref.split(":", 1)[0]
        return any(r.name == name for r in self.roots)

    def _by_source_prefix(self, body: str) -> RunbookFile | None:
        if ":" not in body:
            return None
        name, rel = body.split(":", 1)
        return self._file_in(name, rel) if self._source_prefixed(body) else None

    def _relative_to(self, current: RunbookFile, body: str) -> RunbookFile | None:
        if not current.source:
            return None
        base = PurePosixPath(current.relpath).parent
        return self._file_in(current.source, (base / body).as_posix())

    def _by_path(self, body: str) -> RunbookFile | None:
        from rbdesk.core.library.roots import RunbookFile

        if not body:
            return None
        p = Path(body).expanduser()
        # A plain relative path means a runbook of a source first ("README.md" is the
        # library's README, not the one in the current folder); an absolute or
        # ./-relative path means a file on disk first.
        local_first = p.is_absolute() or body.startswith(("./", "../", "~"))
        if not local_first:
            for r in self.roots:
                f = self._file_in(r.name, body)
                if f is not None:
                    return f
        if self.local_files and p.is_file():
            rp = p.resolve()
            for r in self.roots:
                root = r.root.resolve()
                if rp.is_relative_to(root):
                    return RunbookFile(r.name, rp.relative_to(root).as_posix(), rp)
            return RunbookFile("", rp.name, rp)
        if local_first:
            for r in self.roots:
                f = self._file_in(r.name, body)
                if f is not None:
                    return f
        return None

    # -- ids and alerts ------------------------------------------------------------------
    def _by_id(self, ident: str) -> RunbookFile | None:
        want = ident.lower()
        files = list(self.lib.files())
        for f in files:
            name = PurePosixPath(f.relpath).name.lower()
            if name.startswith(want) and not name[len(want) : len(want) + 1].isdigit():
                return f
        for f in _mentioning(files, want):
            if self.lib.load(f).id.lower() == want:
                return f
        return None

    def _by_alert(self, name: str, compact: bool = False) -> tuple[RunbookFile, str] | None:
        """compact: compare letters and digits only (``kube-pod_crash`` = ``KubePodCrash``)."""
        files = list(self.lib.files())
        fallback: tuple[RunbookFile, str] | None = None

        def norm(text: str) -> str:
            return _compact(text) if compact else text.strip().lower()

        lowered = norm(name)
        # Only files whose text (or name) holds the name can carry it as an alert or
        # a title: parsing every file of a large library took seconds for a miss.
        candidates = _mentioning_compact(files, lowered) if compact else _mentioning(files, lowered)
        for f in candidates:
            rb = self.lib.load(f)
            for a in rb.alerts:
                if a.name == name:
                    return f, a.anchor
                if fallback is None and norm(a.name) == lowered:
                    fallback = (f, a.anchor)
        if fallback:
            return fallback
        for f in files:
            if norm(PurePosixPath(f.relpath).stem) == lowered:
                return f, ""
        for f in candidates:
            if norm(self.lib.load(f).title) == lowered:
                return f, ""
        return None

    def _anchor(self, f: RunbookFile, anchor: str) -> str:
        m = _LINE_ANCHOR_RE.match(anchor)
        if not m:
            return anchor
        sec = self.lib.load(f).section_for_line(int(m.group(1)))
        return sec.anchor if sec else ""


_NOT_ALNUM = bytes(b for b in range(256) if not (48 <= b <= 57 or 97 <= b <= 122))


def _mentioning_compact(files: list[RunbookFile], compact: str) -> list[RunbookFile]:
    """The files whose letters and digits, run together, hold ``compact`` (see :func:`_compact`).

    The compact twin of :func:`_mentioning`: a byte scan, no parsing, so a miss
    stays fast on a large library.
    """
    from rbdesk.core.runbook.markdown import MAX_FILE_BYTES

    if not compact:
        return []
    want = compact.encode("ascii", "ignore")
    found = []
    for f in files:
        try:
            with open(f.path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES)
        except OSError:
            continue
        if want in data.lower().translate(None, _NOT_ALNUM) or want in _compact(f.relpath).encode():
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


def resolve_ref(
    lib: Library,
    ref: str,
    current: RunbookFile | None = None,
    docs_prefixes: dict[str, str] | None = None,
) -> Resolved:
    """Resolve one REF (see the module docstring) or raise NotFoundError."""
    return RefResolver(lib, docs_prefixes).resolve(ref, current)
