"""Every anchor a Markdown page has where it is published: GitHub, GitLab, Hugo, MkDocs.

A link such as ``runbook.md#alert-name-foo`` works on the site that renders the
page, and each site makes heading ids its own way:

* GitHub (and Hugo's default ``github`` flavour, and the reader's own ids from
  ``mdit_py_plugins.anchors``): lower case, punctuation dropped, each blank a
  ``-``; repeats get ``-1``, ``-2`` …;
* GitLab: the same, then runs of ``-`` squeezed into one;
* MkDocs (Python-Markdown ``toc``): accents folded to ASCII, runs of blanks and
  ``-`` squeezed into one ``-``, ``_1`` … for repeats;
* explicit ids: ``## Title {#id}`` (Hugo, MkDocs attr_list), and HTML anchors
  ``<a name="x">`` / ``<a id="x">`` / ``id="x"`` written in the page.

:func:`page_anchors` gives the union, lower-cased (anchors are compared
without case, as :mod:`rbdesk.core.runbook.checks` does for RB211).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_HTML_ID_RE = re.compile(r"""<[a-zA-Z][^>]*?\s(?:name|id)\s*=\s*["']?([^"'\s>]+)""")
_GITHUB_DROP_RE = re.compile(r"[^\w\- ]", re.UNICODE)
_MKDOCS_DROP_RE = re.compile(r"[^\w\s-]")


def github_slug(title: str) -> str:
    return _GITHUB_DROP_RE.sub("", title.strip().lower()).replace(" ", "-")


def gitlab_slug(title: str) -> str:
    return re.sub(r"-{2,}", "-", github_slug(title))


def mkdocs_slug(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = _MKDOCS_DROP_RE.sub("", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _heading_text(inline) -> str:
    parts = [
        c.content
        for c in (inline.children or [])
        if c.type in ("text", "code_inline", "html_inline", "image")
    ]
    return "".join(parts) if parts else inline.content


def anchors_of_text(text: str) -> frozenset[str]:
    """Every anchor of a Markdown page in any of the flavours above, lower-cased."""
    from rbdesk.core.runbook.markdown import markdown_parser, repair_fences

    repaired, _ = repair_fences(text)
    tokens = markdown_parser().parse(repaired)
    out: set[str] = set()
    seen: dict[tuple[str, str], int] = {}
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open":
            continue
        explicit = str(tok.attrs.get("id", "") or "")
        if explicit:
            out.add(explicit.lower())
        if i + 1 >= len(tokens):
            continue
        title = _heading_text(tokens[i + 1])
        for flavour, slug, sep in (
            ("github", github_slug(title), "-"),
            ("gitlab", gitlab_slug(title), "-"),
            ("mkdocs", mkdocs_slug(title), "_"),
        ):
            n = seen.get((flavour, slug), 0)
            seen[(flavour, slug)] = n + 1
            out.add(f"{slug}{sep}{n}" if n else slug)
    out.update(m.group(1).lower() for m in _HTML_ID_RE.finditer(repaired))
    out.discard("")
    return frozenset(out)


def page_anchors(path: Path) -> frozenset[str]:
    """:func:`anchors_of_text` of a file, cached while the file is unchanged."""
    st = path.stat()
    return _cached(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4096)
def _cached(path: str, _mtime_ns: int, _size: int) -> frozenset[str]:
    from rbdesk.core.runbook.markdown import MAX_FILE_BYTES, decode

    with open(path, "rb") as fh:
        return anchors_of_text(decode(fh.read(MAX_FILE_BYTES)).text)
