"""Resolve the REF of ``rbdesk runs start`` / ``rbdesk print`` to a runbook file.

Stop-gap until :mod:`rbdesk.core.refs` (branch ``gui``) is on main; then
``resolve`` should call ``refs.resolve_ref(lib, ref).file`` instead. A REF is,
tried in this order:

* ``source:relpath``, or a path relative to a source root;
* a path naming an existing Markdown file (inside a source root or not);
* an id like ``RUN-007`` (file name prefix, then the runbook's ``id``);
* an alert name (the runbook's alerts, then file stem, then title).

``files_with_tag`` lists the runbooks of a drill pack.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import NotFoundError

if TYPE_CHECKING:
    from .library import Library, LibraryRoot, RunbookFile

_ID_RE = re.compile(r"^[A-Za-z]{2,8}-\d{1,6}$")


def resolve(lib: Library, ref: str) -> RunbookFile:
    """The runbook file REF names, or NotFoundError saying what REF can be."""
    ref = ref.strip()
    found = _by_path(lib, ref) if ref else None
    if found is None and _ID_RE.match(ref):
        found = _by_id(lib, ref)
    if found is None and ref:
        found = _by_alert(lib, ref)
    if found is None:
        raise NotFoundError(
            f"no runbook matches {ref!r}",
            hint="give a path (relative to a source root, or an existing file), "
            "an id like RUN-007, or an alert name",
        )
    return found


def root_of(lib: Library, file: RunbookFile) -> LibraryRoot | None:
    """The library root file belongs to (None for a file outside every source)."""
    for r in lib.roots():
        if r.name == file.source:
            return r
    return None


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


def _in_root(root: LibraryRoot, rel: str) -> RunbookFile | None:
    from .library import RunbookFile, is_runbook_name

    base = root.root.resolve()
    target = (base / rel).resolve()
    if target.is_relative_to(base) and target.is_file() and is_runbook_name(target.name):
        return RunbookFile(root.name, target.relative_to(base).as_posix(), target)
    return None


def _by_path(lib: Library, ref: str) -> RunbookFile | None:
    from .library import RunbookFile, is_runbook_name

    roots = lib.roots()
    if ":" in ref:
        name, rel = ref.split(":", 1)
        for r in roots:
            if r.name == name:
                return _in_root(r, rel)
    p = Path(ref).expanduser()
    if p.is_file() and is_runbook_name(p.name):
        rp = p.resolve()
        for r in roots:
            if rp.is_relative_to(r.root.resolve()):
                return RunbookFile(r.name, rp.relative_to(r.root.resolve()).as_posix(), rp)
        return RunbookFile("", rp.name, rp)
    for r in roots:
        f = _in_root(r, ref)
        if f is not None:
            return f
    return None


def _by_id(lib: Library, ident: str) -> RunbookFile | None:
    want = ident.lower()
    files = list(lib.files())
    for f in files:
        name = PurePosixPath(f.relpath).name.lower()
        if name.startswith(want) and not name[len(want) : len(want) + 1].isdigit():
            return f
    for f in files:
        if lib.load(f).id.lower() == want:
            return f
    return None


def _by_alert(lib: Library, name: str) -> RunbookFile | None:
    files = list(lib.files())
    lowered = name.lower()
    for f in files:
        if any(a.name.lower() == lowered for a in lib.load(f).alerts):
            return f
    for f in files:
        if PurePosixPath(f.relpath).stem.lower() == lowered:
            return f
    for f in files:
        if lib.load(f).title.strip().lower() == lowered:
            return f
    return None
