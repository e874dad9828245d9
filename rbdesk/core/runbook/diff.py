"""What changed between two versions of one runbook, at the runbook's level.

Not a line diff: the two parsed :class:`Runbook` s are compared section by
section and command by command, so a prose-only edit is visibly harmless and a
changed command stands out.

Commands are compared on what they run (their copy text: a ``$`` prompt
added is no change) and paired in three passes: identical text in the same order
(``difflib`` over the command texts), identical text anywhere (a moved
command is not a change), then the most similar remaining old/new pair
(same section preferred) above :data:`PAIR_RATIO`; what is left is added or
removed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from rbdesk.core.runbook.model import Command, Runbook

PAIR_RATIO = 0.5  # two commands this similar are one command changed, not removed + added
_SAME_SECTION_BONUS = 0.15
_WORDS_RE = re.compile(r"\s+|[^\s]+")

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True, slots=True)
class CommandChange:
    status: str  # ADDED, REMOVED or CHANGED
    section: str  # the section it is in (the new one, or the old one when removed)
    old: str | None  # the command as it was (None when added)
    new: str | None  # the command as it is (None when removed)
    old_line: int = 0
    new_line: int = 0
    lang: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "section": self.section,
            "old": self.old,
            "new": self.new,
            "old_line": self.old_line or None,
            "new_line": self.new_line or None,
        }


@dataclass(frozen=True, slots=True)
class SectionChange:
    title: str
    status: str  # ADDED, REMOVED or CHANGED
    prose: bool  # its text around the commands changed
    commands: int  # how many of its commands changed

    def what(self, prose_word: str = "prose") -> str:
        """'prose, 2 commands' / '1 command' / the status when neither changed."""
        bits = [prose_word] if self.prose else []
        if self.commands:
            bits.append(f"{self.commands} command{'s' if self.commands != 1 else ''}")
        return ", ".join(bits) or self.status

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "status": self.status,
            "prose": self.prose,
            "commands": self.commands,
        }


@dataclass(slots=True)
class RunbookDiff:
    title_old: str
    title_new: str
    sections: list[SectionChange] = field(default_factory=list)
    commands: list[CommandChange] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for c in self.commands if c.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in (ADDED, REMOVED, CHANGED)}

    @property
    def prose_only(self) -> bool:
        """Only text around the commands changed (no command, nothing to re-learn)."""
        return not self.commands

    @property
    def unchanged(self) -> bool:
        return not self.commands and not self.sections and self.title_old == self.title_new

    def summary(self) -> str:
        """'2 commands changed, 1 added' / 'prose only' / 'no visible change'."""
        if self.unchanged:
            return "same content"
        if self.prose_only:
            return "prose only"
        parts = []
        for status in (CHANGED, ADDED, REMOVED):
            n = self.count(status)
            if n:
                parts.append(f"{n} {status}")
        return f"commands: {', '.join(parts)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": {"old": self.title_old, "new": self.title_new}
            if self.title_old != self.title_new
            else None,
            "sections": [s.to_dict() for s in self.sections],
            "commands": {
                **self.counts,
                "items": [c.to_dict() for c in self.commands],
            },
            "prose_only": self.prose_only and not self.unchanged,
        }


# -- sections ---------------------------------------------------------------------------------
def _section_texts(rb: Runbook) -> dict[str, str]:
    """Section title -> its prose (the lines under its heading, commands cut out).

    The text before the first heading is keyed ``""``; titles met twice get
    `` (2)``, `` (3)`` so that each keeps its own text.
    """
    lines = (rb.source or rb.body).replace("\r\n", "\n").split("\n")
    starts = [(s.line, s.title) for s in rb.sections if s.line >= 1]
    bounds = [(0, "")] + [(line - 1, title) for line, title in starts]
    out: dict[str, str] = {}
    for i, (start, title) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(lines)
        text = "\n".join(lines[start + (1 if title else 0) : end])
        for cmd in rb.commands:
            if cmd.text and start < cmd.line <= end + 1:
                text = text.replace(cmd.text, "")
        key, n = title, 2
        while key in out:
            key, n = f"{title} ({n})", n + 1
        out[key] = _normal(text)
    return out


def _normal(text: str) -> str:
    """Prose compared without fence markers and whitespace differences."""
    kept = [ln.strip() for ln in text.split("\n") if not ln.strip().startswith(("```", "~~~"))]
    return "\n".join(ln for ln in kept if ln)


# -- commands ---------------------------------------------------------------------------------
def _command_key(cmd: Command) -> str:
    """What a command runs: its copy text (prompts like ``$ `` removed), without
    blanks at line ends. A prompt added or blanks trimmed is not a change."""
    text = cmd.clean if cmd.clean.strip() else cmd.text
    return "\n".join(ln.rstrip() for ln in text.strip().split("\n"))


def _pair_commands(old: list[Command], new: list[Command]) -> list[CommandChange]:
    keys_old = [_command_key(c) for c in old]
    keys_new = [_command_key(c) for c in new]
    matcher = difflib.SequenceMatcher(a=keys_old, b=keys_new, autojunk=False)
    left_old: list[int] = []
    left_new: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            left_old += range(i1, i2)
            left_new += range(j1, j2)
    # A command moved elsewhere unchanged is not a change.
    for i in list(left_old):
        j = next((j for j in left_new if keys_new[j] == keys_old[i]), None)
        if j is not None:
            left_old.remove(i)
            left_new.remove(j)
    scored = []
    for i in left_old:
        for j in left_new:
            ratio = difflib.SequenceMatcher(a=keys_old[i], b=keys_new[j], autojunk=False).ratio()
            if ratio >= PAIR_RATIO:
                bonus = _SAME_SECTION_BONUS if old[i].section == new[j].section else 0.0
                scored.append((ratio + bonus, i, j))
    pairs: dict[int, int] = {}
    used_new: set[int] = set()
    for _score, i, j in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if i not in pairs and j not in used_new:
            pairs[i] = j
            used_new.add(j)
    changes: list[CommandChange] = []
    for i, j in pairs.items():
        o, n = old[i], new[j]
        changes.append(CommandChange(CHANGED, n.section, o.text, n.text, o.line, n.line, n.lang))
    for i in left_old:
        if i not in pairs:
            o = old[i]
            changes.append(CommandChange(REMOVED, o.section, o.text, None, o.line, 0, o.lang))
    for j in left_new:
        if j not in used_new:
            n = new[j]
            changes.append(CommandChange(ADDED, n.section, None, n.text, 0, n.line, n.lang))
    changes.sort(key=lambda c: (c.new_line or c.old_line, c.status))
    return changes


def diff_runbooks(old: Runbook, new: Runbook) -> RunbookDiff:
    """The runbook-level changes from old to new."""
    commands = _pair_commands(
        [c for c in old.commands if c.kind != "diagram"],
        [c for c in new.commands if c.kind != "diagram"],
    )
    per_section: dict[str, int] = {}
    for c in commands:
        per_section[c.section] = per_section.get(c.section, 0) + 1
    before, after = _section_texts(old), _section_texts(new)
    sections: list[SectionChange] = []
    for title, text in after.items():
        if title not in before:
            if title or text:
                sections.append(SectionChange(title, ADDED, bool(text), per_section.get(title, 0)))
        elif before[title] != text or per_section.get(title):
            sections.append(
                SectionChange(title, CHANGED, before[title] != text, per_section.get(title, 0))
            )
    for title, text in before.items():
        if title not in after and (title or text):
            sections.append(SectionChange(title, REMOVED, bool(text), per_section.get(title, 0)))
    return RunbookDiff(old.title, new.title, sections, commands)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces from old to new, op one of ``=``, ``-``, ``+`` (words and spaces)."""
    a, b = _WORDS_RE.findall(old), _WORDS_RE.findall(new)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def line_pairs(old: str, new: str, context: int = 1) -> list[tuple[str, str, str]]:
    """A multi-line command's changed lines with ``context`` lines around them.

    (tag, old line, new line): ``=`` unchanged, ``~`` a line changed (old and new),
    ``-`` removed, ``+`` added, ``…`` unchanged lines left out.
    """
    a, b = old.split("\n"), new.split("\n")
    rows: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [("=", a[i], b[j1 + i - i1]) for i in range(i1, i2)]
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        rows += [("~", a[i1 + k], b[j1 + k]) for k in range(paired)]
        rows += [("-", a[i], "") for i in range(i1 + paired, i2)]
        rows += [("+", "", b[j]) for j in range(j1 + paired, j2)]
    near = {
        k
        for i, row in enumerate(rows)
        if row[0] != "="
        for k in range(i - context, i + context + 1)
    }
    out: list[tuple[str, str, str]] = []
    for i, row in enumerate(rows):
        if row[0] != "=" or i in near:
            out.append(row)
        elif not out or out[-1][0] != "…":
            out.append(("…", "", ""))
    return out
