"""The docs site a snapshot declares, and how its URLs map back to files.

Alerts' ``runbook_url`` annotations often point at the published site
(``https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping``),
not at the repository. The repository itself usually says where it is
published:

* Hugo: ``baseURL`` in ``hugo.toml|yaml|yml|json`` or ``config.toml|yaml|yml|json``
  (also under ``config/_default/``), pages under ``contentDir`` (``content``),
  paths lower-cased, ``/``-terminated, sections as ``_index.md``;
* MkDocs: ``site_url`` in ``mkdocs.yml``, pages under ``docs_dir`` (``docs``),
  ``use_directory_urls`` (``page/`` rather than ``page.html``).

:func:`docsite_for` reads that once per snapshot (cached; config files are
read through the guarded loaders of ``core.dataload``: size and nesting
caps; a config over them is ignored and named by :func:`docsite_problems`).
:func:`site_candidates` turns the path of a site URL into the
relative file paths that could have produced it; :func:`find_nocase` finds a
file when only the case differs (Hugo lower-cases every path);
:func:`hugo_page_urls` knows the pages whose front matter moves them
(``url``, ``slug``, and the ``aliases`` a renamed page keeps for old links).

Pure library-level knowledge: no Library facade, no Qt.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from rbdesk.core.library.roots import LibraryRoot, is_runbook_name, iter_runbook_files

log = logging.getLogger(__name__)

MAX_CONFIG_BYTES = 256 * 1024
_CACHE_SIZE = 32

HUGO_CONFIGS = tuple(
    f"{d}{stem}.{ext}"
    for d in ("", "config/_default/")
    for stem in ("hugo", "config")
    for ext in ("toml", "yaml", "yml", "json")
)
MKDOCS_CONFIGS = ("mkdocs.yml", "mkdocs.yaml")


@dataclass(frozen=True, slots=True)
class DocSite:
    """Where a snapshot is published and where its pages live inside it."""

    base_url: str  # normalised: scheme://host[/path]/ (always ends with "/")
    content_dir: str  # "content", "docs", "" (the root)
    kind: str  # "hugo", "mkdocs" or "configured" (rbdesk source add --docs-url)
    directory_urls: bool = True
    config_file: str = ""  # the file it was read from ("" when configured)

    def rest_of(self, url: str) -> str | None:
        """The site-relative path of url (unquoted, no query/fragment), or None."""
        return url_rest(self.base_url, url)


def normalise_base(url: str) -> str:
    """``scheme://host/path/`` lower-cased scheme and host; "" when not an http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{host}{path}"


def url_rest(base_url: str, url: str) -> str | None:
    """url's path below base_url (http and https count as the same site)."""
    base = urlsplit(base_url)
    target = urlsplit(url.strip())
    if target.scheme.lower() not in ("http", "https") or not target.hostname:
        return None
    if (target.hostname or "").lower() != (base.hostname or "").lower():
        return None
    if (target.port or None) != (base.port or None):
        return None
    bpath = base.path if base.path.endswith("/") else base.path + "/"
    tpath = target.path or "/"
    if not (tpath + "/").lower().startswith(bpath.lower()):
        return None
    return unquote(tpath[len(bpath) - 1 :]).strip("/") if len(tpath) >= len(bpath) else ""


def site_candidates(site: DocSite, rest: str) -> list[str]:
    """Relative file paths (inside the snapshot) that could render as site path rest."""
    rest = rest.strip("/")
    for suffix in (".html", ".htm"):
        if rest.lower().endswith(suffix):
            rest = rest[: -len(suffix)]
    if rest.lower() in ("index", "readme"):
        rest = ""
    elif rest.lower().endswith(("/index", "/readme")):
        rest = rest.rsplit("/", 1)[0]
    base = PurePosixPath(site.content_dir) if site.content_dir else PurePosixPath()
    stem = base / rest if rest else base
    out: list[str] = []
    if rest:
        out += [f"{stem}.md", f"{stem}.markdown"]
    out += [f"{stem}/_index.md", f"{stem}/index.md", f"{stem}/README.md"]
    return [p[2:] if p.startswith("./") else p for p in (str(x) for x in out)]


# -- reading the snapshot's own config -----------------------------------------------------
def read_docsite(tree: Path, problems: list[str] | None = None) -> DocSite | None:
    """The site declared by the files at the top of tree (None when none is);
    configs ignored for being over a limit are named in ``problems``."""
    for name in MKDOCS_CONFIGS:
        data = _read_config(tree / name, problems)
        if isinstance(data, dict) and data.get("site_url"):
            base = normalise_base(str(data["site_url"]))
            if base:
                docs_dir = _clean_dir(data.get("docs_dir"), "docs")
                use_dirs = data.get("use_directory_urls", True)
                return DocSite(base, docs_dir, "mkdocs", use_dirs is not False, name)
    for name in HUGO_CONFIGS:
        data = _read_config(tree / name, problems)
        if not isinstance(data, dict):
            continue
        lowered = {str(k).lower(): v for k, v in data.items()}
        base = normalise_base(str(lowered.get("baseurl") or ""))
        if base:
            content = _clean_dir(lowered.get("contentdir"), "content")
            return DocSite(base, content, "hugo", not lowered.get("uglyurls"), name)
    return None


def _clean_dir(value: object, default: str) -> str:
    text = str(value).strip().strip("/") if isinstance(value, str) and value.strip() else default
    parts = [p for p in PurePosixPath(text).parts if p not in (".", "")]
    if any(p == ".." for p in parts):
        return default  # a config must not point outside its own snapshot
    return "/".join(parts)


def _read_config(path: Path, problems: list[str] | None = None) -> object:
    """Parsed config file, or None (missing, too big, a symlink, over the limits).

    Read through the guarded loaders (``core.dataload``: size and depth caps);
    a config over a limit is ignored and, with ``problems`` given, named there
    ("hugo.toml: is nested more than 64 levels deep: ignored"). A config that
    is merely not valid still gives its top-level keys (:func:`_top_level_keys`).
    """
    from rbdesk.core.dataload import DataError, load_json, load_toml, load_yaml

    try:
        if path.is_symlink() or not path.is_file():
            return None
        if path.stat().st_size > MAX_CONFIG_BYTES:
            if problems is not None:
                problems.append(f"{path.name}: larger than {MAX_CONFIG_BYTES // 1024} KiB: ignored")
            return None
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return None
    load = {".toml": load_toml, ".json": load_json}.get(path.suffix.lower(), load_yaml)
    try:
        return load(text, MAX_CONFIG_BYTES)
    except DataError as exc:
        if exc.limit:
            if problems is not None:
                problems.append(f"{path.name}: {exc}: ignored")
            return None
        return _top_level_keys(text)


_TOP_KEY_RE = re.compile(
    r"^(site_url|docs_dir|use_directory_urls|baseURL|baseurl|contentDir|uglyURLs)\s*[:=]\s*"
    r"[\"']?([^\"'#\s]+)[\"']?\s*(?:#.*)?$",
    re.M,
)


def _top_level_keys(text: str) -> dict[str, object]:
    """The few keys we need, read line by line from a config the parser refused
    (MkDocs configs with anchors, Hugo TOML using newer syntax)."""
    out: dict[str, object] = {}
    for key, value in _TOP_KEY_RE.findall(text):
        if value.lower() in ("true", "false"):
            out[key] = value.lower() == "true"
        else:
            out[key] = value
    return out


# -- cache per snapshot ---------------------------------------------------------------------
class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[tuple, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, make):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        value = make()
        with self.lock:
            self.data[key] = value
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


_SITES = _LRU(_CACHE_SIZE)
_NOCASE = _LRU(_CACHE_SIZE)
_PAGE_URLS = _LRU(_CACHE_SIZE)
FRONT_MATTER_BYTES = 8192


def _root_key(root: LibraryRoot) -> tuple:
    # Snapshots are immutable (a new sync is a new folder); folders without a commit
    # (the samples, test fixtures) also key on their top folder's mtime.
    try:
        mtime = root.root.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return (str(root.root), root.commit, mtime)


def docsite_for(root: LibraryRoot) -> DocSite | None:
    """The docs site root declares (cached per snapshot)."""
    return _site_and_problems(root)[0]


def docsite_problems(root: LibraryRoot) -> list[str]:
    """Docs-site configs of root that were ignored, one line each (``rbdesk doctor``)."""
    return list(_site_and_problems(root)[1])


def _site_and_problems(root: LibraryRoot) -> tuple[DocSite | None, tuple[str, ...]]:
    def read() -> tuple[DocSite | None, tuple[str, ...]]:
        problems: list[str] = []
        site = read_docsite(root.root, problems)
        for line in problems:
            log.warning("%s: docs-site config %s", root.name, line)
        return site, tuple(problems)

    return _SITES.get(_root_key(root), read)


def find_nocase(root: LibraryRoot, rel: str) -> str | None:
    """The runbook relpath equal to rel ignoring case (cached listing per snapshot)."""
    key = rel.strip("/").lower()
    if not key:
        return None
    listing: dict[str, str] = _NOCASE.get(_root_key(root), lambda: _listing(root.root))
    return listing.get(key)


def _listing(tree: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for rel, _path in iter_runbook_files(tree):
        out.setdefault(rel.lower(), rel)
    return out


def runbook_stems(root: LibraryRoot) -> list[str]:
    """Every runbook's relpath in root (from the cached listing), for "nearest" hints."""
    listing: dict[str, str] = _NOCASE.get(_root_key(root), lambda: _listing(root.root))
    return [rel for rel in listing.values() if is_runbook_name(rel)]


# -- Hugo pages that front matter moves ------------------------------------------------------
def hugo_page_urls(root: LibraryRoot, site: DocSite) -> dict[str, str]:
    """Site path (lower case, no slashes) → relpath for pages with ``url``, ``slug`` or
    ``aliases`` in their front matter (cached per snapshot)."""
    key = (*_root_key(root), site.content_dir)
    return _PAGE_URLS.get(key, lambda: _page_urls(root.root, site.content_dir))


def _page_urls(tree: Path, content_dir: str) -> dict[str, str]:
    base = tree / content_dir if content_dir else tree
    out: dict[str, str] = {}
    if not base.is_dir():
        return out
    for rel, path in iter_runbook_files(base):
        meta = _front_matter(path)
        if not meta:
            continue
        relpath = f"{content_dir}/{rel}" if content_dir else rel
        section = PurePosixPath(rel).parent.as_posix().strip(".")
        targets: list[str] = []
        if isinstance(meta.get("url"), str):
            targets.append(meta["url"])
        if isinstance(meta.get("slug"), str):
            targets.append(f"/{section}/{meta['slug']}" if section else f"/{meta['slug']}")
        aliases = meta.get("aliases")
        if isinstance(aliases, str):
            aliases = [aliases]
        if isinstance(aliases, list):
            for alias in aliases:
                if isinstance(alias, str):  # relative aliases are relative to the section
                    targets.append(alias if alias.startswith("/") else f"/{section}/{alias}")
        for t in targets:
            k = page_key(t.split("#", 1)[0].split("?", 1)[0])
            if k and ".." not in k.split("/"):
                out.setdefault(k, relpath)
    return out


def page_key(site_path: str) -> str:
    """A site path as :func:`hugo_page_urls` keys it: lower case, no slashes or .html."""
    k = site_path.strip().strip("/").lower()
    for suffix in (".html", ".htm"):
        if k.endswith(suffix):
            k = k[: -len(suffix)]
    return k.strip("/")


def _front_matter(path: Path) -> dict | None:
    """YAML (``---``) or TOML (``+++``) front matter of a page, or None."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(FRONT_MATTER_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    head = head.lstrip("\ufeff")
    for fence in ("---", "+++"):
        if not head.startswith(fence + "\n") and not head.startswith(fence + "\r\n"):
            continue
        end = head.find(f"\n{fence}", len(fence))
        if end < 0:
            return None
        body = head[len(fence) : end]
        from rbdesk.core.dataload import DataError, load_toml, load_yaml

        try:
            data = (load_toml if fence == "+++" else load_yaml)(body, FRONT_MATTER_BYTES)
        except DataError:
            return None
        return data if isinstance(data, dict) else None
    return None
