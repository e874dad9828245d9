"""Turn one runbook file into the field values of its index document.

Runs in worker processes during big builds, so it only needs the parser and
:mod:`.text` (no Whoosh). ``prepare_file`` returns a plain dict that pickles
cheaply: lists of terms per field plus a small stored ``info`` dict
(title, path, owner, severity, last_tested, digest, sections, alerts).
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from rbdesk.core.search import text as tx

if TYPE_CHECKING:
    from rbdesk.core.runbook.model import Runbook

# Command kinds whose text is worth indexing as commands (not output/diagrams).
_COMMAND_KINDS = {"shell", "sql", "query", "config", "other"}


def digest_bytes(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()[:20]


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [v.strip() for v in str(value).replace(";", ",").split(",") if v.strip()]


def _meta(rb: Runbook, *names: str) -> str:
    for n in names:
        v = rb.meta.get(n)
        if v not in (None, ""):
            return ", ".join(_as_list(v)) if isinstance(v, list | tuple) else str(v)
    return ""


def _keyword_terms(values: list[str]) -> list[str]:
    """Filter values: the whole value (keyword and compact) plus its words."""
    out: list[str] = []
    for v in values:
        out.append(tx.keyword(v))
        out.append(tx.compact(v))
        for w in tx.words(v):
            out.extend(tx.word_terms(w))
    return tx.unique(out)


def has_own_title(rb: Runbook, relpath: str) -> bool:
    """False when the parser fell back to the file name for the title."""
    stem = PurePosixPath(relpath).name.split(".")[0]
    return bool(tx.compact(rb.title)) and tx.compact(rb.title) != tx.compact(stem)


def path_text(relpath: str) -> str:
    p = PurePosixPath(relpath)
    name = p.name
    for suffix in (".html.md", ".markdown", ".md"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return " ".join([*p.parent.parts, name])


def prepare(
    rb: Runbook, relpath: str, source: str, digest: str, nav_title: str | None = None
) -> dict[str, Any]:
    """Field values (pre-analysed) and stored info for one runbook."""
    title = rb.title.strip()
    if nav_title and not has_own_title(rb, relpath):
        title = nav_title
    title = title or path_text(relpath).split(" ")[-1]
    alert_names = tx.unique(a.name for a in rb.alerts)
    headings = [s.title for s in rb.sections if not (s.level == 1 and s.title.strip() == title)]
    owner = rb.owner
    severity = _meta(rb, "severity", "criticality", "priority")
    last_tested = _meta(rb, "last_tested", "last tested", "lasttested")
    ids = _as_list(rb.meta.get("id")) + _as_list(rb.meta.get("ids"))
    tags = _as_list(rb.meta.get("tags")) + _as_list(rb.meta.get("categories"))

    alert_terms = [t for t, _ in tx.name_terms("  ".join(alert_names))]
    alert_terms += [tx.compact(a) for a in alert_names]
    command_terms: list[str] = []
    for c in rb.commands:
        if c.kind in _COMMAND_KINDS:
            command_terms.extend(tx.command_terms(c.clean or c.text))
    for code in rb.inline_code:
        command_terms.extend(tx.command_terms(code))
    heading_terms: list[tuple[str, int]] = []
    offset = 0
    for h in headings:
        for t, p in tx.name_terms(h):
            heading_terms.append((t, p + offset))
        offset = (heading_terms[-1][1] + 2) if heading_terms else 0  # no phrase across headings
    info = {
        "title": title,
        "path": relpath,
        "owner": owner,
        "severity": severity,
        "last_tested": last_tested,
        "digest": digest,
        "sections": [[s.title, s.anchor, s.line, s.level] for s in rb.sections],
        "alerts": [[a.name, a.section, a.anchor] for a in rb.alerts],
    }
    body = rb.body or ""
    return {
        "key": relpath,
        "source": source,
        "title": list(tx.name_terms(title)),
        "alerts": alert_terms,
        "ids": _keyword_terms(ids),
        "tags": _keyword_terms(tags),
        "owner": _keyword_terms([owner] if owner else []),
        "severity": _keyword_terms([severity] if severity else []),
        "headings": heading_terms,
        "commands": command_terms,
        "path": [t for t, _ in tx.name_terms(path_text(relpath))],
        "text": list(tx.text_terms(body)),
        "info": info,
    }


def prepare_file(
    path: Path, relpath: str, source: str, nav_title: str | None = None
) -> dict[str, Any]:
    """Parse and prepare one file (the unit of work of a build worker)."""
    from rbdesk.core.runbook.parser import parse_file

    digest = digest_bytes(Path(path).read_bytes())
    rb = parse_file(path, relpath=relpath)
    return prepare(rb, relpath, source, digest, nav_title)
