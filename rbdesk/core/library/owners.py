"""Who owns a file, as the repository says it: ``CODEOWNERS`` and Kubernetes ``OWNERS`` files.

Real runbook repositories rarely write an owner into every runbook; they name
owners once:

* ``CODEOWNERS`` — GitHub looks in ``.github/``, the root and ``docs/``; GitLab
  in the root, ``docs/`` and ``.gitlab/``; the first file found is used.
  Lines are ``PATTERN OWNER...`` with gitignore-like patterns; the last
  matching line wins. GitLab's sections (``[Name] @default-owner``,
  ``^[Optional]``, ``[Name][2]``) each contribute their own last match, and a
  line with no owners takes its section's default owners.
* ``OWNERS`` (Prow / Kubernetes, e.g. openshift/runbooks) — YAML with
  ``approvers`` (and ``reviewers``); the nearest file up the tree names the
  owners (its ``approvers``, else its ``reviewers``).

:func:`owners_for` answers for one file (parsed files are cached while they
are unchanged). Pure library-level knowledge: no Library facade, no Qt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
MAX_OWNERS_BYTES = 256 * 1024
_SECTION_RE = re.compile(r"^\^?\[(?P<name>[^\]]+)\](?:\[\d+\])?(?P<owners>.*)$")


@dataclass(frozen=True, slots=True)
class Owners:
    """The owners of one file and where the repository says so."""

    names: tuple[str, ...]
    where: str  # "CODEOWNERS:12", "alerts/foo/OWNERS"

    def text(self) -> str:
        return ", ".join(self.names)


@dataclass(frozen=True, slots=True)
class _Rule:
    regex: re.Pattern[str]
    owners: tuple[str, ...]
    section: str
    line: int


def owners_for(root: Path, relpath: str) -> Owners | None:
    """The owners of relpath (POSIX, relative to root), or None when nothing names any."""
    return OwnersLookup(root)(relpath)


class OwnersLookup:
    """:func:`owners_for` for many files of one tree: the owners files are found once.

    Make one per lint run (or per page shown); files added later are not seen by it.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._codeowners: tuple[str, tuple[_Rule, ...]] | None = None
        self._folders: dict[str, Owners | None] = {}

    def __call__(self, relpath: str) -> Owners | None:
        found = self._from_codeowners(relpath)
        return found if found is not None else self._from_owners_files(relpath)

    def _from_codeowners(self, relpath: str) -> Owners | None:
        if self._codeowners is None:
            self._codeowners = ("", ())
            for loc in CODEOWNERS_LOCATIONS:
                try:
                    st = (self.root / loc).stat()
                except OSError:
                    continue
                rules = _codeowners_rules(str(self.root / loc), st.st_mtime_ns, st.st_size)
                self._codeowners = (loc, rules)
                break
        loc, rules = self._codeowners
        last: dict[str, _Rule] = {}
        for rule in rules:
            if rule.regex.match(relpath):
                last[rule.section] = rule
        names = tuple(dict.fromkeys(n for r in last.values() for n in r.owners))
        if not names:
            return None
        return Owners(names, f"{loc}:{','.join(str(r.line) for r in last.values())}")

    def _from_owners_files(self, relpath: str) -> Owners | None:
        """The nearest ``OWNERS`` file up the tree that names anyone."""
        folder = PurePosixPath(relpath).parent.as_posix()
        if folder in self._folders:
            return self._folders[folder]
        rel = "OWNERS" if folder == "." else f"{folder}/OWNERS"
        try:
            st = (self.root / rel).stat()
        except OSError:
            st = None
        names = _owners_file_names(str(self.root / rel), st.st_mtime_ns, st.st_size) if st else ()
        if names:
            found: Owners | None = Owners(names, rel)
        elif folder == ".":
            found = None
        else:
            found = self._from_owners_files(folder)  # the parent folder's
        self._folders[folder] = found
        return found


@lru_cache(maxsize=64)
def _codeowners_rules(path: str, _mtime_ns: int, _size: int) -> tuple[_Rule, ...]:
    text = _read_text(Path(path))
    rules: list[_Rule] = []
    section, defaults = "", ()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _SECTION_RE.match(line)
        if m:
            section = m.group("name").strip().lower()
            defaults = tuple(_owner_words(m.group("owners")))
            continue
        pattern, owners = _split_pattern(line)
        if not pattern:
            continue
        regex = path_pattern(pattern)
        if regex is not None:
            rules.append(_Rule(regex, tuple(owners) or defaults, section, number))
    return tuple(rules)


def _owner_words(text: str) -> list[str]:
    words = text.split("#", 1)[0].split()
    return [w for w in words if w.startswith("@") or "@" in w]


def _split_pattern(line: str) -> tuple[str, list[str]]:
    """PATTERN and owners of a line (``\\ `` escapes a blank, ``\\#`` a hash in the pattern)."""
    i, out = 0, []
    while i < len(line) and not line[i].isspace():
        if line[i] == "\\" and i + 1 < len(line):
            out.append(line[i + 1])
            i += 2
            continue
        out.append(line[i])
        i += 1
    return "".join(out), _owner_words(line[i:])


def path_pattern(pattern: str) -> re.Pattern[str] | None:
    """A gitignore-like CODEOWNERS pattern as a regex over POSIX relative paths."""
    dir_only = pattern.endswith("/")
    body = pattern.strip("/")
    if not body:
        return None
    anchored = pattern.startswith("/") or "/" in body
    no_deeper = body.endswith("/*")  # docs/* : files directly in docs only
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    head = "^" if anchored else "^(?:.*/)?"
    tail = "/.+$" if dir_only else ("$" if no_deeper else "(?:/.*)?$")
    try:
        return re.compile(head + "".join(out) + tail)
    except re.error:
        return None


# -- OWNERS (Prow) --------------------------------------------------------------------------
@lru_cache(maxsize=1024)
def _owners_file_names(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    from rbdesk.core.runbook.markdown import load_safe_yaml

    try:
        data = load_safe_yaml(_read_text(Path(path)), MAX_OWNERS_BYTES)
    except ValueError:
        return ()
    if not isinstance(data, dict):
        return ()
    for key in ("approvers", "reviewers"):
        value = data.get(key)
        if isinstance(value, list):
            names = tuple(str(v).strip() for v in value if isinstance(v, str | int) and str(v))
            if names:
                return names
    return ()


def _read_text(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_OWNERS_BYTES + 1)
    except OSError:
        return ""
    return data[:MAX_OWNERS_BYTES].decode("utf-8", "replace")
