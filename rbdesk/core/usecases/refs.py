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

One precedence between sources, for every front end (``show``, ``open``,
``copy``, ``alert NAME``, ``alert -``, runs, print, the app's links and paste):

* **Rank decides between sources**: the order of ``sources.json`` (the order
  they were added; ``rbdesk source move``), the bundled samples last. For
  names and ids the search is rank-major: the highest-ranked source with ANY
  evidence wins, whatever the evidence (a lower source's front-matter ``id:``
  never beats a higher source's file-name id, nor the other way round); inside
  a source the evidence order is :mod:`.refnames`'s.
* **A repository URL of a source's own remote wins** over every docs-site rule
  (a file of that repository, named by a blob/raw/tree… link, opens there).
* **A source claims docs-site URLs only for its own declared site**: a site a
  snapshot declares (Hugo ``baseURL``, MkDocs ``site_url``) whose host is a
  code forge (github.com, gitlab.com, …) or the host of any source's remote is
  ignored — a repository cannot publish pages on github.com, so such a
  ``baseURL`` is a mistake or a hijack. A ``--docs-url`` the user gave counts.
* **Said**: :attr:`Resolved.also` holds the other sources' candidates (rank
  order), :attr:`Resolved.fallback` says when the runbook is a guess (a link
  whose page is missing, opened by its page name or by the alert name).
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
    also: tuple[Resolved, ...] = ()  # other sources' candidates, in rank order
    fallback: str = ""  # why this is only a fallback ("" when the REF names it)

    @property
    def source(self) -> str:
        return self.file.source

    @property
    def relpath(self) -> str:
        return self.file.relpath

    def label(self) -> str:
        where = f"{self.source}:{self.relpath}" if self.source else str(self.file.path)
        return f"{where}#{self.anchor}" if self.anchor else where

    def also_line(self) -> str:
        """'also in: community (alerts/x.md), old (y.md)'; "" when no other source has one."""
        if not self.also:
            return ""
        return "also in: " + ", ".join(f"{o.source} ({o.relpath})" for o in self.also)

    def notes(self) -> list[str]:
        """What every front end says besides the runbook: the fallback, the other sources."""
        return [
            t
            for t in (f"fallback: {self.fallback}" if self.fallback else "", self.also_line())
            if t
        ]

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "path": self.relpath,
            "anchor": self.anchor,
            "how": self.how,
            "fallback": self.fallback,
            "also": [
                {"source": o.source, "path": o.relpath, "anchor": o.anchor} for o in self.also
            ],
        }


def _also(others: list[Resolved]) -> tuple[Resolved, ...]:
    """The other sources' candidates worth saying: the bundled samples (kept behind
    configured sources for their own links) are no rival source."""
    from rbdesk.core.library.roots import SAMPLES_SOURCE

    return tuple(o for o in others if o.source != SAMPLES_SOURCE)


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


FORGE_HOSTS = frozenset(
    "github.com www.github.com gist.github.com raw.githubusercontent.com gitlab.com "
    "www.gitlab.com bitbucket.org www.bitbucket.org codeberg.org gitea.com dev.azure.com "
    "ssh.dev.azure.com git.sr.ht sr.ht".split()
)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def may_claim_site(site_url: str, remote_urls: list[str]) -> bool:
    """Whether a docs site a snapshot declares may map URLs to its files: not when its
    host is a code forge's or any source's remote host (those URLs are repositories')."""
    host = _host(site_url)
    remote_hosts = {repo_key(u).split("/", 1)[0] for u in remote_urls if u}
    return bool(host) and host not in FORGE_HOSTS and host not in remote_hosts


class RefResolver:
    """Resolves REFs against one Library (create one per lookup batch)."""

    def __init__(
        self,
        lib: Library,
        docs_prefixes: dict[str, str] | None = None,
        local_files: bool = True,
    ) -> None:
        """local_files: also accept any existing file (CLI); off for links inside runbooks."""
        from rbdesk.core.usecases.refnames import NameFinder

        self.lib = lib
        self.local_files = local_files
        self.docs_prefixes = docs_prefixes or {}
        self._roots: list[LibraryRoot] | None = None
        self.names = NameFinder(lib)

    @property
    def roots(self) -> list[LibraryRoot]:
        """The library's roots in rank order, then the bundled samples (``samples:README.md``
        and the samples' own links still open when sources are configured; sources win)."""
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
        found = self._by_source_prefix(body) or (
            self._relative_to(current, body) if current and body else None
        )
        if found is None and not body and current is not None:
            found = current
        if found is not None:
            return Resolved(found, self._anchor(found, anchor), "path")
        paths = self._by_path(body)
        if paths:
            f = paths[0]
            others = _also([Resolved(o, "", "path") for o in paths[1:]])
            return Resolved(f, self._anchor(f, anchor), "path", also=others)
        if _ID_RE.match(body):
            hit = self.ranked(lambda root: self.names.id_hits(root, body), "id", anchor)
            if hit is not None:
                return hit
        hit = self.ranked(lambda root: self._alert_hits_of(root, body), "alert", anchor)
        if hit is not None:
            return hit
        raise NotFoundError(
            f"no runbook matches {ref!r}",
            hint="try a path relative to a source root, an id like RUN-007, an alert name, "
            "or `rbdesk search WORDS`",
        )

    def ranked(self, find, how: str, anchor: str = "") -> Resolved | None:
        """The first hit of the highest-ranked source where find(root) has any, with
        the other sources' first hits as ``also`` (rank order); None when none has one."""
        return _ranked([(r, find(r)) for r in self.roots], how, anchor)

    def all_alert_hits(self, name: str) -> list[Resolved]:
        """Every runbook for alert name: rank-major, best evidence first in each source
        (``rbdesk alert NAME --json``)."""
        out: list[Resolved] = []
        for root in self.roots:
            hits = self._alert_hits_of(root, name, every=True)
            out += [Resolved(f, a, "alert") for f, a in hits]
        return out

    def by_alert_name(self, name: str) -> Resolved | None:
        """The runbook for an alert name (exact, any case, then letters and digits only),
        rank-major, with the other sources' candidates."""
        name = name.strip()
        if not name:
            return None
        return self.ranked(lambda root: self._alert_hits_of(root, name), "alert")

    def _alert_hits_of(
        self, root: LibraryRoot, name: str, every: bool = False
    ) -> list[tuple[RunbookFile, str]]:
        """root's runbooks for alert name: exact or any case, then letters and digits
        only (only when the first found none, unless every)."""
        from rbdesk.core.usecases.refnames import _first_per_file

        name = name.strip()
        if not name:
            return []
        exact = self.names.alert_hits(root, name, every=every)
        if exact and not every:
            return exact
        loose = self.names.alert_hits(root, name, compact_form=True, every=every)
        return _first_per_file(exact + loose)

    # -- URL ------------------------------------------------------------------------
    def _resolve_url(self, url: str) -> Resolved:
        parts = urlsplit(url)
        anchor = unquote(parts.fragment)
        bare = url.split("#", 1)[0].split("?", 1)[0]
        infos = source_infos(self.lib, self.docs_prefixes)
        candidates = _web_candidates(bare)
        repo_hits: list[tuple[RunbookFile, str]] = []
        repo_hit = ""
        for info in infos:  # a source's own repository URL first, always
            key = repo_key(info.url) if info.url else ""
            for cand_key, segs in candidates:
                if not key or cand_key != key:
                    continue
                repo_hit = repo_hit or info.name
                f = self._after_branch(info, segs)
                if f is not None:
                    repo_hits.append((f, info.name))
                    break
        site_hits: list[tuple[RunbookFile, str]] = []
        site_hit = False
        for info, site in self._sites(infos):
            rest = site.rest_of(bare)
            if rest is None:
                continue
            site_hit = True
            f = self._site_file(info.name, site, rest)
            if f is not None and all(f.source != h.source for h, _ in site_hits):
                site_hits.append((f, info.name))
        hits = _one_per_source(repo_hits + site_hits)
        if hits:
            f = hits[0]
            also = _also([Resolved(o, self._anchor(o, anchor), "url") for o in hits[1:]])
            return Resolved(f, self._anchor(f, anchor), "url", also=also)
        if not candidates or repo_hit or site_hit:
            # A docs site or wiki we cannot map (or a synced repo's moved file): the
            # page name is usually the alert name or the file name.
            hit = self._by_page_name(_last_segment(bare), anchor)
            if hit is not None:
                return replace(
                    hit,
                    fallback="the link's page is not in the local copy; opened by its page name",
                )
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
        """Docs sites to try, in rank order: each source's configured prefix, then the site
        its snapshot declares when it may claim it (see :func:`may_claim_site`)."""
        from rbdesk.core.library.docsite import DocSite, docsite_for, normalise_base

        by_name = {r.name: r for r in self.roots}
        remotes = [i.url for i in infos]
        out: list[tuple[SourceInfo, DocSite]] = []
        for info in infos:
            root = by_name.get(info.name)
            site = docsite_for(root) if root is not None else None
            base = normalise_base(info.docs_prefix) if info.docs_prefix else ""
            if base:
                content = site.content_dir if site else ""
                out.append((info, DocSite(base, content, "configured")))
            if site is not None and may_claim_site(site.base_url, remotes):
                out.append((info, site))
        return out

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

    def _by_page_name(self, name: str, anchor: str) -> Resolved | None:
        from rbdesk.core.usecases.refnames import compact

        if len(compact(name)) < 3:
            return None
        return self.ranked(
            lambda root: self.names.alert_hits(root, name, compact_form=True), "url-name", anchor
        )

    def nearest(self, name: str, n: int = 3) -> list[str]:
        """Up to n ``source:relpath`` whose file name is closest to name."""
        from rbdesk.core.usecases.refnames import close_names, compact

        want = compact(name)
        if not want:
            return []
        by_key: dict[str, str] = {}
        for r in self.roots:
            for stem, rels in self.names.stems(r, compact_form=True).items():
                for rel in rels:
                    key = stem
                    if stem in ("index", "readme"):
                        key = compact(PurePosixPath(rel).parent.name)
                    by_key.setdefault(key, f"{r.name}:{rel}")
        close = close_names(want, sorted(by_key), n=n, cutoff=0.5)
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

    def _by_path(self, body: str) -> list[RunbookFile]:
        """The files body names: a source's (every source holding it, rank order) or one on disk."""
        from rbdesk.core.library.roots import RunbookFile

        if not body:
            return []
        p = Path(body).expanduser()
        # A plain relative path means a runbook of a source first ("README.md" is the
        # library's README, not the one in the current folder); an absolute or
        # ./-relative path means a file on disk first.
        local_first = p.is_absolute() or body.startswith(("./", "../", "~"))
        in_sources = [f for f in (self._file_in(r.name, body) for r in self.roots) if f]
        if in_sources and not local_first:
            return in_sources
        if self.local_files and p.is_file():
            rp = p.resolve()
            for r in self.roots:
                root = r.root.resolve()
                if rp.is_relative_to(root):
                    return [RunbookFile(r.name, rp.relative_to(root).as_posix(), rp)]
            return [RunbookFile("", rp.name, rp)]
        return in_sources

    def _anchor(self, f: RunbookFile, anchor: str) -> str:
        m = _LINE_ANCHOR_RE.match(anchor)
        if not m:
            return anchor
        sec = self.lib.load(f).section_for_line(int(m.group(1)))
        return sec.anchor if sec else ""


def _one_per_source(hits: list[tuple[RunbookFile, str]]) -> list[RunbookFile]:
    """The files of (file, source) hits, the first per source, in the order given."""
    seen: set[str] = set()
    out = []
    for f, source in hits:
        if source not in seen:
            seen.add(source)
            out.append(f)
    return out


def _ranked(
    per_root: list[tuple[LibraryRoot, list[tuple[RunbookFile, str]]]], how: str, anchor: str
) -> Resolved | None:
    """Rank-major: the first source with hits wins; the other sources' best are ``also``."""
    firsts = [(hits[0], root) for root, hits in per_root if hits]
    if not firsts:
        return None
    (f, a), _root = firsts[0]
    also = _also([Resolved(of, oa, how) for (of, oa), _r in firsts[1:]])
    return Resolved(f, anchor or a, how, also=also)


def resolve_ref(
    lib: Library,
    ref: str,
    current: RunbookFile | None = None,
    docs_prefixes: dict[str, str] | None = None,
) -> Resolved:
    """Resolve one REF (see the module docstring) or raise NotFoundError."""
    return RefResolver(lib, docs_prefixes).resolve(ref, current)
