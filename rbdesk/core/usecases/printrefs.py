"""Which runbooks ``rbdesk runs start`` and ``rbdesk print`` work on.

``resolve`` turns a REF (a path relative to a source root or an existing
file, ``source:relpath``, an id like ``RUN-007``, an alert name, a URL of a
synced repository) into a file through :func:`rbdesk.core.usecases.refs.resolve_ref`;
``root_of`` gives the file's library root (for its commit); ``files_with_tag``
lists the runbooks of a drill pack.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbdesk.core.facade import Library
    from rbdesk.core.library.roots import LibraryRoot, RunbookFile


def resolve(lib: Library, ref: str) -> RunbookFile:
    """The runbook file REF names (see :mod:`rbdesk.core.usecases.refs`: the one resolver,
    with the user's docs prefixes, as every front end), or NotFoundError."""
    from rbdesk.core.settings import load_settings
    from rbdesk.core.usecases.refs import resolve_ref

    return resolve_ref(lib, ref, docs_prefixes=load_settings(lib.data_dir).docs_prefixes).file


def root_of(lib: Library, file: RunbookFile) -> LibraryRoot | None:
    """The library root file belongs to: :meth:`Library.root_for` (kept for the CLI)."""
    return lib.root_for(file)


def files_with_tag(lib: Library, tag: str) -> list[RunbookFile]:
    """Every runbook whose meta ``tags`` contain tag (case-insensitive), in path order."""
    want = tag.strip().lower()
    return [f for f in lib.files() if want in _tags(lib.load(f).meta.get("tags"))]


def all_tags(lib: Library) -> list[str]:
    found: set[str] = set()
    for f in lib.files():
        found |= _tags(lib.load(f).meta.get("tags"))
    return sorted(found)


def _tags(value: object) -> set[str]:
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    if not isinstance(value, list | tuple | set):
        return set()
    return {str(v).strip().lower() for v in value if str(v).strip()}
