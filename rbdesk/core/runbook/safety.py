"""Dangerous things in commands: destructive operations and hidden characters.

Shared by lint (RB301-RB304), the reader's red marks and the copy rules.
"""

from __future__ import annotations

import re
import unicodedata

_DESTRUCTIVE: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\brm\s+(?:-\w*[rR]\w*\s+-\w*f|-\w*f\w*\s+-\w*[rR]|-\w*(?:[rR]\w*f|f\w*[rR]))\w*\b"
        ),
        "rm -rf deletes files recursively",
    ),
    (
        re.compile(r"\brm\s+(?:[^\n|;&]*\s)?--(?:recursive|no-preserve-root)\b"),
        "rm --recursive deletes files",
    ),
    (
        re.compile(r"\bDROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|USER|ROLE|VIEW)\b", re.I),
        "SQL DROP destroys data",
    ),
    (re.compile(r"\bTRUNCATE\b(?:\s+TABLE)?\s+\w", re.I), "SQL TRUNCATE empties a table"),
    (
        re.compile(r"\bkubectl\b[^\n|;&]*\s(?:delete|drain)\b"),
        "kubectl delete/drain removes resources",
    ),
    (re.compile(r"\bhelm\s+(?:uninstall|delete)\b"), "helm uninstall removes a release"),
    (
        re.compile(r"(?:^|\s)--force(?:=\S*)?\b|\bpush\s+(?:[^\n]*\s)?-f\b"),
        "--force skips safety checks",
    ),
    (re.compile(r"\bterraform\s+(?:destroy|apply\s+[^\n]*-destroy)\b"), "terraform destroy"),
    (re.compile(r"(?:^|[\s;&|])dd\s+[^\n]*\bof="), "dd overwrites a device or file"),
    (re.compile(r"\bmkfs(?:\.\w+)?\b"), "mkfs formats a filesystem"),
    (re.compile(r"\bgit\s+(?:reset\s+--hard|clean\s+-\w*f)"), "git discards local changes"),
    (
        re.compile(r"\b(?:redis-cli\b[^\n]*\s)?FLUSH(?:ALL|DB)\b", re.I),
        "FLUSHALL/FLUSHDB wipes Redis",
    ),
    (
        re.compile(r"\baws\s+s3\s+(?:rb|rm)\b[^\n]*--recursive|\baws\s+s3\s+rb\b"),
        "aws s3 rm/rb deletes objects",
    ),
    (re.compile(r"\b(?:shutdown|reboot|halt|poweroff)\b(?:\s|$)"), "shuts down or reboots a host"),
    (re.compile(r"\bkill\s+-9\b|\bpkill\b|\bkillall\b"), "kills processes"),
    (re.compile(r"\bchmod\s+-R\s+777\b|\bchown\s+-R\b"), "recursive permission change"),
    (re.compile(r">\s*/dev/sd[a-z]\b"), "writes to a raw disk"),
    (re.compile(r"\bALTER\s+TABLE\b[^;]*\bDROP\b", re.I), "ALTER TABLE … DROP removes data"),
    (
        re.compile(r"\bdocker\s+(?:system|volume|image)\s+prune\b|\bdocker\s+rm\s+-f"),
        "docker prune / rm -f removes containers or data",
    ),
    (
        re.compile(r"\baws\s+\S+\s+delete-|\b(?:gcloud|az)\s+[^\n]*\bdelete\b"),
        "deletes cloud resources",
    ),
    (re.compile(r"\biptables\s+-F\b"), "flushes firewall rules"),
    (re.compile(r"\bdropdb\b|\bdropuser\b"), "drops a database or user"),
    (re.compile(r"\bpg_terminate_backend\b"), "terminates database sessions"),
]
PIPE_TO_SHELL_REASON = "runs a downloaded script (curl/wget piped into a shell)"
_DELETE_RE = re.compile(r"\bDELETE\s+FROM\b([^;]*)", re.I)
_WHERE_RE = re.compile(r"\bWHERE\b", re.I)


def destructive_reasons(text: str) -> list[str]:
    """Why copying text could destroy something (empty when nothing was spotted)."""
    text = _code_lines(text)  # a commented-out command does not run
    reasons: list[str] = []
    for pattern, why in _DESTRUCTIVE:
        if pattern.search(text) and why not in reasons:
            reasons.append(why)
    if pipes_download_to_shell(text):
        reasons.append(PIPE_TO_SHELL_REASON)
    for m in _DELETE_RE.finditer(text):
        if not _WHERE_RE.search(m.group(1)):
            reasons.append("SQL DELETE without WHERE deletes every row")
            break
    return reasons


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


def has_warning_words(text: str) -> bool:
    return bool(WARNING_WORDS_RE.search(text))


BIDI_CHARS = {
    "\u061c": "ARABIC LETTER MARK",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
ZERO_WIDTH_CHARS = {
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
    "\u180e": "MONGOLIAN VOWEL SEPARATOR",
    "\u00ad": "SOFT HYPHEN",
}


# Invisible characters that are not format (Cf) characters but render as nothing.
INVISIBLE_CHARS = {
    "\u115f": "HANGUL CHOSEONG FILLER",
    "\u1160": "HANGUL JUNGSEONG FILLER",
    "\u3164": "HANGUL FILLER",
    "\uffa0": "HALFWIDTH HANGUL FILLER",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}
_TAG_NAME = "TAG CHARACTER (hidden ASCII text, U+E0000-U+E007F)"


def _is_tag(ch: str) -> bool:
    return 0xE0000 <= ord(ch) <= 0xE007F


def char_name(ch: str) -> str:
    if _is_tag(ch):
        return _TAG_NAME
    name = BIDI_CHARS.get(ch) or ZERO_WIDTH_CHARS.get(ch) or INVISIBLE_CHARS.get(ch)
    if not name:
        name = unicodedata.name(ch, "CONTROL CHARACTER")
    return f"{name} (U+{ord(ch):04X})"


def hidden_kind(ch: str) -> str | None:
    """The kind of a character that must not reach a terminal, or None."""
    if ch in "\t\n" or " " <= ch <= "~":
        return None
    if ch in BIDI_CHARS:
        return "bidi"
    if ch in ZERO_WIDTH_CHARS:
        return "zero-width"
    if _is_tag(ch):
        return "tag"
    if ch in INVISIBLE_CHARS:
        return "invisible"
    cat = unicodedata.category(ch)
    if cat == "Cc":
        return "control"
    if cat in ("Cf", "Zl", "Zp"):  # U+2061-U+2064 invisible operators, other format chars
        return "invisible"
    return None


_SUSPECT_RE = re.compile(r"[^\t\n\x20-\x7e]")
_LABELS = {
    "bidi": "bidirectional override",
    "zero-width": "zero-width character",
    "control": "control character",
    "tag": "invisible tag character (ASCII smuggling)",
    "invisible": "invisible character",
}


def has_suspect_chars(text: str) -> bool:
    """Fast pre-check: could text hold a hidden character (anything but tab, newline and
    printable ASCII)?"""
    return _SUSPECT_RE.search(text) is not None


def hidden_characters(text: str) -> list[tuple[int, str, str]]:
    """(offset, character, description) of every character that hides what runs.

    Control characters (except tab and newline), ANSI escapes, bidi overrides,
    zero-width and other invisible characters (invisible operators U+2061-U+2064,
    tag characters, Hangul fillers, line/paragraph separators).
    """
    found = []
    for m in _SUSPECT_RE.finditer(text):
        ch = m.group(0)
        kind = hidden_kind(ch)
        if kind is None:
            continue
        label = (
            "escape character (ANSI / bracketed-paste sequence)" if ch == "\x1b" else _LABELS[kind]
        )
        found.append((m.start(), ch, f"{label}: {char_name(ch)}"))
    return found


def terminal_safe(text: str) -> str:
    """Text that cannot drive a terminal: ESC shown as ``␛``, every other hidden
    character (control incl. ``\\r``, bidi, zero-width, invisible) as ``⟦U+XXXX⟧``.

    Tab and newline are kept; ``\\r\\n`` becomes ``\\n``. The rule ``rbdesk show``
    uses, for every text from a runbook or a user that reaches a terminal.
    """
    if not _SUSPECT_RE.search(text):
        return text
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch == "\x1b":
            out.append("␛")
        elif hidden_kind(ch):
            out.append(f"⟦U+{ord(ch):04X}⟧")
        else:
            out.append(ch)
    return "".join(out)


# -- how a command looks versus what it runs (copy rules, lint RB303/RB304) -------------

# This many blanks in a row inside a line can push text out of sight. Measured on the
# two real corpora (1,083 runbooks): the longest aligned-column run was 34 blanks.
LONG_BLANK_RUN = 40
_BLANKS = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
LONG_BLANK_RE = re.compile(rf"(\S)({_BLANKS}{{{LONG_BLANK_RUN},}})(?=(\S))")
_DOWNLOAD_RE = re.compile(r"\b(?:curl|wget|fetch|iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b")
_PIPE_TO_SHELL_RE = re.compile(
    r"\|\s*(?:(?:sudo|doas|su|env|exec|command|nohup|time)(?:\s+-{1,2}\S+)*\s+)*"
    r"(?:[\w/.-]*/)?(?:sh|bash|zsh|dash|ksh|mksh|fish|csh|tcsh|python[0-9.]*|perl|ruby|node|"
    r"php|iex|Invoke-Expression|pwsh|powershell)\b"
)


def long_blank_runs(text: str) -> list[tuple[int, int]]:
    """(line number from 1, run length) of long blank runs between visible text."""
    found = []
    for n, line in enumerate(text.split("\n"), 1):
        m = LONG_BLANK_RE.search(line)
        if m:
            found.append((n, len(m.group(2))))
    return found


def pipes_download_to_shell(text: str) -> bool:
    """True when a downloaded script is piped into a shell (``curl … | sudo bash``)."""
    for line in _code_lines(text).split("\n"):
        d = _DOWNLOAD_RE.search(line)
        if d and _PIPE_TO_SHELL_RE.search(line, d.end()):
            return True
    return False


def hidden_text_reasons(text: str) -> list[str]:
    """Why the command on screen may not be what runs: long blank runs."""
    return [
        f"{length} blanks in a row on line {n}: text pushed out of sight still runs"
        for n, length in long_blank_runs(text)
    ]
