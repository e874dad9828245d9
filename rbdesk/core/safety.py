"""Dangerous things in commands: destructive operations and hidden characters.

Shared by lint (RB301/RB302), the reader's red marks and the copy rules.
"""

from __future__ import annotations

import re
import unicodedata

_DESTRUCTIVE = [
    (r"\brm\s+(?:-\w*\s+)*-\w*[rRf]\w*", "rm -rf deletes files recursively"),
    (
        r"\bDROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|VIEW|USER|ROLE|KEYSPACE|COLLECTION)\b",
        "DROP removes database objects",
    ),
    (r"\bTRUNCATE\b", "TRUNCATE empties a table"),
    (r"\bDELETE\s+FROM\b(?![^;]*\bWHERE\b)", "DELETE without WHERE removes every row"),
    (r"\bALTER\s+TABLE\b[^;]*\bDROP\b", "ALTER TABLE … DROP removes data"),
    (r"\bkubectl\s+(?:[-\w=./]+\s+)*?(?:delete|drain)\b", "kubectl delete/drain removes resources"),
    (r"\bhelm\s+(?:uninstall|delete)\b", "helm uninstall removes a release"),
    (r"\bterraform\s+destroy\b", "terraform destroy removes infrastructure"),
    (r"(?<![\w-])--force\b|\bgit\s+push\s+(?:\S+\s+)*-f\b", "--force skips safety checks"),
    (r"\bgit\s+(?:reset\s+--hard|clean\s+-\w*f)", "git reset --hard / clean loses work"),
    (r"\bdd\s+(?:\S+\s+)*?of=", "dd overwrites a device or file"),
    (r"\bmkfs(?:\.\w+)?\b", "mkfs formats a file system"),
    (r"\bFLUSH(?:ALL|DB)\b", "FLUSHALL/FLUSHDB deletes every key"),
    (r"\b(?:shutdown|reboot|halt|poweroff)\b(?!\s*[-_])", "shuts the machine down"),
    (r"\bdocker\s+(?:system|volume|image)\s+prune\b|\bdocker\s+rm\s+-f", "docker prune/rm -f"),
    (r"\baws\s+s3\s+(?:rm|rb)\b.*--recursive|\baws\s+\S+\s+delete-", "deletes cloud resources"),
    (r"\bgcloud\s+.*\bdelete\b|\baz\s+.*\bdelete\b", "deletes cloud resources"),
    (r"\bkill\s+-9\b|\bpkill\s+-9\b|\bkillall\b", "kills processes"),
    (r"\biptables\s+-F\b", "flushes firewall rules"),
    (r"\bchmod\s+-R\s+777\b", "opens permissions recursively"),
    (r">\s*/dev/sd[a-z]\b", "overwrites a disk"),
    (r"\bdropdb\b|\bdropuser\b", "drops a database"),
    (r"\bpg_terminate_backend\b", "terminates database sessions"),
]
_DESTRUCTIVE_RE = [(re.compile(p, re.IGNORECASE), why) for p, why in _DESTRUCTIVE]

WARNING_WORDS_RE = re.compile(
    r"warning|caution|danger|destructive|irreversib|careful|⚠|data loss|last resort|"
    r"cannot be undone|can't be undone|permanent|only if|make sure|double[- ]check|"
    r"back ?up first|take a (?:backup|snapshot)|confirm|do not run|don't run|be aware|"
    r"deletes? (?:all|every)|will delete|will remove|will drop|use with care|if (?:it is )?safe",
    re.IGNORECASE,
)


def _code_lines(text: str) -> str:
    """The text without comment-only lines (``# …``, ``-- …``, ``// …``)."""
    keep = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("#", "--", "//"))]
    return "\n".join(keep)


def destructive_reasons(text: str) -> list[str]:
    """Why this command is destructive (empty when it is not)."""
    code = _code_lines(text)
    reasons: list[str] = []
    for rx, why in _DESTRUCTIVE_RE:
        if rx.search(code) and why not in reasons:
            reasons.append(why)
    return reasons


def has_warning_words(text: str) -> bool:
    return bool(WARNING_WORDS_RE.search(text))


_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad")


_SUSPECT_RE = re.compile(
    "[" + re.escape("".join(sorted(_BIDI | _ZERO_WIDTH))) + "\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def hidden_characters(text: str) -> list[tuple[int, str, str]]:
    """(offset, character, description) of every character that hides what runs.

    Control characters (except tab and newline), ANSI escapes, bidi overrides
    and zero-width characters.
    """
    found = []
    for m in _SUSPECT_RE.finditer(text):
        i, ch = m.start(), m.group(0)
        if ch in _BIDI:
            kind = "bidirectional override"
        elif ch in _ZERO_WIDTH:
            kind = "zero-width character"
        elif ch == "\x1b":
            kind = "escape character (ANSI / bracketed-paste sequence)"
        elif unicodedata.category(ch) == "Cc":
            kind = "control character"
        else:
            continue
        name = unicodedata.name(ch, "")
        found.append((i, ch, f"{kind} U+{ord(ch):04X} {name}".strip()))
    return found
