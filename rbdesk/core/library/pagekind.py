"""Which Markdown files of a repository are runbook pages: one answer for the walker and lint.

A runbook repository holds more Markdown than runbooks. Three kinds are told apart:

* **template** files are never listed (the walker does not enter their
  folders): ``.github/`` and ``.gitlab/`` (issue and merge-request templates),
  and a Hugo site's ``archetypes/`` and ``layouts/`` (beside a Hugo config, or
  in ``themes/<name>/``) — ``archetypes/default.md`` is a page skeleton, not a
  runbook called "Default";
* **meta** pages (``CONTRIBUTING``, ``CHANGELOG``, ``LICENSE``, ``CODE_OF_CONDUCT``,
  ``SECURITY`` …) are listed and readable but are not runbooks;
* **index** pages (``README.md``, ``_index.md``, ``index.md``) are listed and
  readable; they count as runbooks only when they hold a procedure (numbered
  steps, a checklist or a shell/SQL command) — many real repositories keep a
  service's whole runbook in its ``README.md``.

``rbdesk lint`` runs the runbook quality checks (RB2xx) only on runbook pages;
reading, link and safety checks run on every listed page.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbdesk.core.runbook.model import Runbook

RUNBOOK = "runbook"
INDEX = "index"
META = "meta"

# Folders whose Markdown are templates wherever they are.
TEMPLATE_DIRS = frozenset({".github", ".gitlab"})
# A Hugo site's page skeletons and templates (only beside a Hugo config or in a theme).
HUGO_TEMPLATE_DIRS = frozenset({"archetypes", "layouts"})
HUGO_CONFIG_NAMES = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)
INDEX_STEMS = frozenset({"readme", "_index", "index"})
META_STEMS = frozenset(
    {
        "contributing",
        "changelog",
        "changes",
        "history",
        "license",
        "licence",
        "copying",
        "notice",
        "code_of_conduct",
        "code-of-conduct",
        "security",
        "authors",
        "maintainers",
        "governance",
        "support",
        "pull_request_template",
        "issue_template",
    }
)


def is_template_dir(root: Path, rel_dir: str) -> bool:
    """Whether the folder rel_dir (POSIX, relative to root) holds templates, not pages."""
    p = PurePosixPath(rel_dir)
    if p.name.lower() in TEMPLATE_DIRS:
        return True
    if p.name.lower() not in HUGO_TEMPLATE_DIRS:
        return False
    parent = p.parent
    if parent.parent.name.lower() == "themes":  # themes/<name>/layouts
        return True
    base = root / parent if str(parent) != "." else root
    return (
        any((base / n).is_file() for n in HUGO_CONFIG_NAMES)
        or (base / "config" / "_default").is_dir()
    )


def _stem(relpath: str) -> str:
    name = PurePosixPath(relpath).name.lower()
    for suffix in (".markdown", ".md"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name


def page_role(relpath: str) -> str:
    """RUNBOOK, INDEX or META from the path alone (see the module docstring)."""
    stem = _stem(relpath)
    if stem in INDEX_STEMS:
        return INDEX
    if stem in META_STEMS:
        return META
    return RUNBOOK


def has_procedure(rb: Runbook) -> bool:
    """Steps, a checklist or a shell/SQL command: something an on-call engineer runs."""
    return bool(rb.steps or rb.checklist or any(c.kind in ("shell", "sql") for c in rb.commands))


def is_runbook_page(relpath: str, rb: Runbook) -> bool:
    """Whether a listed page is a runbook (the quality checklist applies to it)."""
    role = page_role(relpath)
    if role == META:
        return False
    if role == INDEX:
        return has_procedure(rb)
    return True
