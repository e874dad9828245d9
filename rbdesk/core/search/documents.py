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

from rbdesk.core.runbook.commands import NON_COMMAND_KINDS
from rbdesk.core.runbook.readfaults import is_read_fault
from rbdesk.core.search import text as tx

if TYPE_CHECKING:
    from rbdesk.core.runbook.model import Runbook

# Command kinds whose text is worth indexing as commands (not output/diagrams).


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


def _name_items(
    parts: list[tuple[str, list[str]]],
) -> list[tuple[str, int, float]]:
    """(term, position, weight) for the names field, from (source, texts) pairs.

    Every text gets its own position range (no phrase across two headings);
    its terms are weighted by :data:`~.schema.NAME_WEIGHTS` of its source.
    """
    from rbdesk.core.search.schema import NAME_WEIGHTS

    out: list[tuple[str, int, float]] = []
    pos = 0
    for source, texts in parts:
        weight = NAME_WEIGHTS[source]
        for text in texts:
            last = pos
            for t, p in tx.name_terms(text):
                out.append((t, pos + p, weight))
                last = max(last, pos + p)
            pos = last + 2
    return out


def _compact_items(values: list[str], source: str) -> list[tuple[str, int, float]]:
    """Whole names as one compact term (KubePodCrashLooping -> kubepodcrashlooping)."""
    from rbdesk.core.search.schema import NAME_WEIGHTS

    return [(tx.compact(v), 0, NAME_WEIGHTS[source]) for v in values if tx.compact(v)]


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
    body = rb.body or ""
    acros = tx.acronyms(body)

    command_terms: list[str] = []
    for c in rb.commands:
        if c.kind not in NON_COMMAND_KINDS:  # output and diagrams are no commands
            command_terms.extend(
                t for t in tx.command_terms(c.clean or c.text) if not tx.WORD_RE.fullmatch(t)
            )
    for code in rb.inline_code:
        command_terms.extend(t for t in tx.command_terms(code) if not tx.WORD_RE.fullmatch(t))
    path_words = path_text(relpath)
    rel_dirs = PurePosixPath(relpath).parent.parts
    dirs = list(rel_dirs)
    file_name = path_words[len(" ".join(rel_dirs)) :].strip() if rel_dirs else path_words
    names = _name_items(
        [
            ("title", [title]),
            ("alerts", alert_names),
            ("ids", ids),
            ("file", [file_name]),
            ("tags", tags),
            ("owner", [owner] if owner else []),
            ("acronyms", [f"{a} {lf}" for a, lf in acros]),
            ("headings", headings),
            ("dirs", dirs),
        ]
    )
    names += _compact_items([title], "title") + _compact_items(alert_names, "alerts")
    names += _compact_items(ids, "ids")
    defs = [f"{a}={lf}" for a, lf in acros] + [f"~{lf}={a}" for a, lf in acros]
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
    faults = [p.message for p in rb.problems if is_read_fault(p)]
    if faults:
        info["faults"] = faults[:3]  # named by sync and `rbdesk status`
    alert_terms = [tx.compact(a) for a in alert_names] + [
        w.lower() for a in alert_names for w in tx.words(a)
    ]
    return {
        "key": relpath,
        "source": source,
        "names": names,
        "body": [t for t, _ in tx.body_terms(body)],
        "commands": command_terms,
        "tags": _keyword_terms(tags),
        "owner": _keyword_terms([owner] if owner else []),
        "severity": _keyword_terms([severity] if severity else []),
        "alerts": tx.unique(alert_terms),
        "defs": defs,
        "info": info,
    }


def prepare_file(
    path: Path, relpath: str, source: str, nav_title: str | None = None
) -> dict[str, Any]:
    """Parse and prepare one file (the unit of work of a build worker)."""
    from rbdesk.core.runbook.parser import parse_file

    digest = digest_bytes(Path(path).read_bytes())
    try:
        rb = parse_file(path, relpath=relpath, checks=False)
        return prepare(rb, relpath, source, digest, nav_title)
    except (OSError, MemoryError):
        raise
    except Exception as exc:  # the parser never raises; this is the build's own guard
        from rbdesk.core.runbook.model import Runbook
        from rbdesk.core.runbook.readfaults import fault_problem

        title = PurePosixPath(relpath).name
        return prepare(
            Runbook(relpath, title, problems=[fault_problem(exc)]), relpath, source, digest
        )
