"""Titles from an MkDocs ``mkdocs.yml`` nav, for runbooks without a title of their own.

Doc-site repositories often keep the human title only in the nav::

    nav:
      - Home: index.md
      - Databases:
          - Postgres failover: db/pg-failover.md

``nav_titles(root)`` maps ``docs/db/pg-failover.md`` (the path relative to the
repository root) to ``"Postgres failover"``. The file is read with rbdesk's safe YAML loader
(``core.markdown.load_safe_yaml``: a SafeLoader that reads unknown tags such
as ``!!python/name:...`` or ``!ENV`` as plain values and refuses aliases),
and only when it is smaller than a cap.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

MKDOCS_FILES = ("mkdocs.yml", "mkdocs.yaml")
MAX_MKDOCS_BYTES = 256 * 1024


def load_mkdocs(path: Path) -> dict[str, Any] | None:
    """The parsed mkdocs.yml, or None when missing, too big or broken."""
    from rbdesk.core.runbook.markdown import load_safe_yaml

    try:
        if path.stat().st_size > MAX_MKDOCS_BYTES:
            return None
        data = load_safe_yaml(path.read_text("utf-8", errors="replace"), MAX_MKDOCS_BYTES)
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _walk_nav(items: Any, out: dict[str, str], depth: int = 0) -> None:
    if depth > 20 or not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict):
            continue  # a bare "page.md" carries no title
        for title, target in item.items():
            if isinstance(target, str) and isinstance(title, str):
                out.setdefault(target, title.strip())
            elif isinstance(target, list):
                _walk_nav(target, out, depth + 1)


def nav_titles(root: Path) -> dict[str, str]:
    """relpath (from the repository root) -> nav title, for every nav page."""
    for name in MKDOCS_FILES:
        cfg = load_mkdocs(Path(root) / name)
        if cfg is not None:
            break
    else:
        return {}
    docs_dir = cfg.get("docs_dir") or "docs"
    if not isinstance(docs_dir, str):
        docs_dir = "docs"
    pages: dict[str, str] = {}
    _walk_nav(cfg.get("nav"), pages)
    out: dict[str, str] = {}
    for target, title in pages.items():
        if "://" in target or not title:
            continue
        rel = posixpath.normpath(posixpath.join(docs_dir, target.lstrip("/")))
        if rel.startswith("../"):
            continue
        out[rel] = title
    return out
