"""Where a runbook came from: source, path, commit and content hash.

Runs and printouts both say which version of a runbook they were made from.
For a synced git source that is the snapshot's commit; the bundled samples
(and plain folders) have no commit, so the SHA-256 of the file's bytes stands
in for it (``sha256:<first 16 hex digits>``). The content hash is kept for
every runbook: it is what "the runbook changed since this run started" is
decided on, because a new commit does not mean that this file changed.

    origin = origin_for(root, file)      # LibraryRoot, RunbookFile
    origin.revision                      # commit, or "sha256:…" when there is none
    origin.source_label                  # "bundled samples" or the source name
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rbdesk.core.library.signature import Signature, root_signature

if TYPE_CHECKING:
    from rbdesk.core.library.roots import LibraryRoot, RunbookFile

SAMPLES_LABEL = "bundled samples"
HASH_PREFIX = "sha256:"
_SHORT_HASH = 16


@dataclass(frozen=True, slots=True)
class Origin:
    """The version of one runbook file a run or a printout was made from."""

    source: str  # source name ("samples" for the bundled library, "" for a loose file)
    path: str  # POSIX path relative to the source root (the file name for a loose file)
    commit: str  # git commit of the snapshot, "" when there is none
    content_hash: str  # "sha256:<16 hex>" of the file's bytes
    source_label: str  # what a person reads: source name, "bundled samples", "local file"
    signature: Signature | None = None  # who signed the snapshot (None: a loose file)

    @property
    def revision(self) -> str:
        """The commit when there is one, else the content hash."""
        return self.commit or self.content_hash

    @property
    def ref(self) -> str:
        """``source:path`` (the form REF resolvers accept), or the path alone."""
        return f"{self.source}:{self.path}" if self.source else self.path


def content_hash(data: bytes) -> str:
    return HASH_PREFIX + hashlib.sha256(data).hexdigest()[:_SHORT_HASH]


def file_hash(path: str | Path) -> str:
    """Content hash of a file ("" when it cannot be read)."""
    try:
        return content_hash(Path(path).read_bytes())
    except OSError:
        return ""


def origin_for(root: LibraryRoot | None, file: RunbookFile) -> Origin:
    """The origin of file inside root (root None: a file outside every source)."""
    digest = file_hash(file.path)
    if root is None:
        return Origin("", file.relpath, "", digest, "local file")
    label = SAMPLES_LABEL if root.kind == "samples" else root.name
    return Origin(root.name, file.relpath, root.commit or "", digest, label, root_signature(root))


def short_revision(revision: str) -> str:
    """A commit cut to 12 characters; content hashes stay as they are."""
    if revision.startswith(HASH_PREFIX):
        return revision
    return revision[:12]
