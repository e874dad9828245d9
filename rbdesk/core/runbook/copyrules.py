"""Copy rules: what a Copy button (or ``rbdesk copy``) puts on the clipboard.

Pure functions, no Qt. The rules, in order:

1. start from the command's ``clean`` text (prompts already removed by the
   parser; :func:`strip_prompts` is the same rule for callers without it);
2. fill placeholders from incident variables: a variable ``NAME`` fills
   ``<NAME>``, ``[NAME]``, ``${NAME}`` and ``{{NAME}}`` (case-sensitive),
   and, for an UPPER_CASE name, a bare ``$NAME`` too unless the command
   itself sets it (``NAME=…``, ``for NAME in``, ``read NAME``) — the value
   written so that the shell reads it literally at that spot (bare word,
   ``"…"``, ``'…'``, ``$(…)``, here-document, …: :mod:`.shellctx`), or not
   filled at all, with the reason, where it cannot be literal; a value with
   shell metacharacters is named in a warning;
3. remove what would make the pasted text differ from what the reader sees:
   ANSI escape sequences (``ESC[201~`` ends bracketed paste), other control
   characters, bidi overrides and zero-width characters — and say what went;
4. never end with a newline (a terminal without bracketed paste would run it);
5. flag destructive commands (including a download piped into a shell) so
   the UI can ask before copying, and text pushed out of sight by a long
   run of blanks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rbdesk.core.runbook import shellctx
from rbdesk.core.runbook.commands import PROMPT_RE
from rbdesk.core.runbook.safety import (  # noqa: F401 - re-exported for callers of the copy rules
    BIDI_CHARS,
    ZERO_WIDTH_CHARS,
    char_name,
    destructive_reasons,
    hidden_kind,
    hidden_text_reasons,
)

# -- hidden characters --------------------------------------------------------

# CSI (ESC [ ... final byte), OSC (ESC ] ... BEL/ST) and two-byte ESC sequences.
_ANSI_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI, includes ESC[200~ / ESC[201~
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_BRACKETED_PASTE_END = "\x1b[201~"


@dataclass(frozen=True, slots=True)
class Removal:
    """Something removed from copied text: what it was and how often."""

    kind: str  # "ansi", "bracketed-paste-end", "control", "bidi", "zero-width"
    name: str  # human name, e.g. "RIGHT-TO-LEFT OVERRIDE (U+202E)"
    count: int

    def describe(self) -> str:
        times = f" ×{self.count}" if self.count > 1 else ""
        return f"{self.name}{times}"


def find_hidden(text: str) -> list[Removal]:
    """What :func:`sanitize` would remove from text (empty when it is clean)."""
    return sanitize(text)[1]


def sanitize(text: str) -> tuple[str, list[Removal]]:
    """Text without escape sequences, control, bidi and zero-width characters.

    ``\\r\\n`` becomes ``\\n`` silently (line endings are not hidden content);
    a lone ``\\r`` is a control character (it can hide what precedes it).
    """
    counts: dict[tuple[str, str], int] = {}

    def note(kind: str, name: str) -> None:
        counts[(kind, name)] = counts.get((kind, name), 0) + 1

    def drop_escape(m: re.Match[str]) -> str:
        seq = m.group(0)
        if seq == _BRACKETED_PASTE_END:
            note("bracketed-paste-end", "bracketed-paste end sequence ESC[201~")
        else:
            note("ansi", "ANSI escape sequence")
        return ""

    text = text.replace("\r\n", "\n")
    text = _ANSI_RE.sub(drop_escape, text)
    out: list[str] = []
    for ch in text:
        kind = hidden_kind(ch)
        if kind is None:
            out.append(ch)
        else:
            note(kind, char_name(ch))
    removals = [Removal(kind, name, n) for (kind, name), n in counts.items()]
    return "".join(out), removals


# -- prompts --------------------------------------------------------------------


def strip_prompts(text: str) -> str:
    """Remove ``$ `` style prompts from lines that have them.

    ``# `` is never stripped: in runbooks it is a comment far more often than
    a root prompt. When some lines carry a ``$`` prompt, lines without one are
    command output and are dropped, as a terminal transcript would suggest.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    prompted = [bool(PROMPT_RE.match(ln)) and ln.strip() not in ("$", "%") for ln in lines]
    if not any(prompted):
        return text.rstrip("\n")
    kept: list[str] = []
    continuation = False
    for ln, has_prompt in zip(lines, prompted, strict=True):
        if has_prompt:
            kept.append(PROMPT_RE.sub(r"\g<lead>", ln, count=1))
        elif continuation:
            kept.append(ln)
        else:
            continue
        continuation = kept[-1].endswith("\\")
    return "\n".join(kept).rstrip("\n")


# -- placeholders ----------------------------------------------------------------

_VAR_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def valid_variable_name(name: str) -> bool:
    return bool(_VAR_NAME_RE.match(name))


def placeholder_pattern(name: str) -> re.Pattern[str]:
    """Matches ``<NAME>``, ``[NAME]``, ``${NAME}`` and ``{{NAME}}`` (spaces allowed in braces)."""
    n = re.escape(name)
    return re.compile(rf"<{n}>|\[{n}\]|\$\{{{n}\}}|\{{\{{\s*{n}\s*\}}\}}")


_ANY_PLACEHOLDER_RE = re.compile(
    r"<([A-Za-z_][A-Za-z0-9_.\-]*)>"
    r"|\$\{([A-Za-z_][A-Za-z0-9_]*)\}"
    r"|\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}"
    r"|\[([A-Z_][A-Z0-9_\-]*)\](?!\()"
)


def placeholders_in(text: str) -> list[str]:
    """Placeholder names in text, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in _ANY_PLACEHOLDER_RE.finditer(text):
        name = next(g for g in m.groups() if g)
        seen.setdefault(name, None)
    return list(seen)


@dataclass(frozen=True, slots=True)
class Fill:
    """One filled placeholder occurrence: span in the output text."""

    name: str
    start: int
    end: int


_BARE_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def bare_pattern(name: str) -> str:
    """``$NAME`` as a whole word (not ``\\$NAME``, ``$$NAME`` or ``$NAMESPACE`` for NAME)."""
    return rf"(?<![\w$\\])\${re.escape(name)}(?![\w])"


def sets_itself(text: str, name: str) -> bool:
    """True when the command assigns name itself (then ``$NAME`` is its own variable)."""
    n = re.escape(name)
    return bool(re.search(rf"(?<![\w$]){n}=|\bfor\s+{n}\b|\bread\b[^\n;|&]*\b{n}\b", text))


def fill_placeholders(text: str, variables: Mapping[str, str]) -> tuple[str, list[Fill]]:
    """Replace every placeholder of a set variable with its value, literal in its shell context."""
    filled = fill_checked(text, variables)
    return filled.text, filled.fills


@dataclass(frozen=True, slots=True)
class Filling:
    """Placeholders filled: the text, where each value went, the values refused and why."""

    text: str
    fills: list[Fill]
    refused: list[str]  # "NAME not filled: <reason> (<context>)"


def fill_checked(text: str, variables: Mapping[str, str]) -> Filling:
    """Fill placeholders, each value quoted for the shell context at its spot
    (:mod:`rbdesk.core.runbook.shellctx`); a value that cannot be literal there
    is not filled and named in ``refused``."""
    active = {k: v for k, v in variables.items() if k and v != "" and valid_variable_name(k)}
    if not active:
        return Filling(text, [], [])
    # One pass over the text so that a value containing "<OTHER>" is never re-filled.
    alternatives = sorted(active, key=len, reverse=True)
    patterns: list[tuple[str, str]] = []  # (pattern, the variable it fills), in priority order
    for n in alternatives:
        patterns.append((placeholder_pattern(n).pattern, n))
        if _BARE_NAME_RE.match(n) and "$" in text and not sets_itself(text, n):
            patterns.append((bare_pattern(n), n))
    # Then any case: one runbook writes [HOSTNAME] and [hostname] for one value (an
    # exact spelling, tried first, wins; $NAME stays exact, as in the shell).
    for n in alternatives:
        if sum(1 for m in alternatives if m.casefold() == n.casefold()) == 1:
            patterns.append((f"(?i:{placeholder_pattern(n).pattern})", n))
    # One group per alternative (the patterns capture nothing themselves), so the
    # group that matched names the variable.
    combined = re.compile("|".join(f"({p})" for p, _n in patterns))
    spans = []
    for m in combined.finditer(text):
        name = patterns[m.lastindex - 1][1]
        spans.append(shellctx.Span(m.start(), m.end(), name, active[name]))
    filled = shellctx.fill_spans(text, spans)
    fills = [Fill(p.name, p.start, p.end) for p in filled.placed]
    return Filling(filled.text, fills, filled.refused)


# -- what a value holds -------------------------------------------------------------

_METACHARS = ("$(", "${", "`", "$", ";", "|", "&", ">", "<", "'", '"', "\\", "!", "*")


def shell_metachars(value: str) -> list[str]:
    """The shell metacharacters, newlines and control characters in value, as shown to a user."""
    found = [m for m in _METACHARS if m in value]
    if "$" in found and not re.search(r"\$(?![({])", value):
        found.remove("$")
    if "\n" in value:
        found.append("a newline")
    ctrl = sorted({f"U+{ord(c):04X}" for c in value if c != "\n" and _is_control(c)})
    found += [f"control character {c}" for c in ctrl]
    return found


def _is_control(c: str) -> bool:
    return ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0


_SHOWN = {"`": "a backtick"}


def value_warning(name: str, value: str) -> str:
    """One line about a value that holds shell metacharacters ("" when it holds none)."""
    found = shell_metachars(value)
    if not found:
        return ""
    shown = ", ".join(_SHOWN.get(f, f if " " in f else f"`{f}`") for f in found)
    return f"value of {name} contains {shown}"


def value_warnings(variables: Mapping[str, str], names: Iterable[str]) -> list[str]:
    """ "value of NAME contains `$(`" for each named variable whose value holds shell
    metacharacters, newlines or control characters (a value from an alert label is
    anyone's text: it is quoted, but the user should see it)."""
    # Hidden characters are removed (and named) on their own: what is filled is the rest.
    lines = (value_warning(n, sanitize(variables.get(n, ""))[0]) for n in names)
    return [ln for ln in lines if ln]


# -- everything together -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CopyResult:
    """The text to put on the clipboard and what the user must be told."""

    text: str
    removed: list[Removal] = field(default_factory=list)
    destructive: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)  # variable names used
    unfilled: list[str] = field(default_factory=list)  # placeholders left as written
    hidden_text: list[str] = field(default_factory=list)  # text pushed out of sight
    refused: list[str] = field(default_factory=list)  # values not filled, with the reason
    values: list[str] = field(default_factory=list)  # "value of NAME contains `$(`"
    value_spans: list[tuple[int, int]] = field(default_factory=list)  # filled values in text

    def warnings(self) -> list[str]:
        """One line per thing the user should know, for a status bar or stderr."""
        out: list[str] = list(self.refused) + list(self.values)
        if self.removed:
            out.append(
                "removed hidden characters: " + ", ".join(r.describe() for r in self.removed)
            )
        if self.hidden_text:
            out.append("HIDDEN TEXT: " + "; ".join(self.hidden_text))
        if self.destructive:
            out.append("DESTRUCTIVE: " + "; ".join(self.destructive))
        if self.unfilled:
            out.append("placeholders not filled: " + ", ".join(self.unfilled))
        return out


def unfilled_names(text: str, names: Iterable[str] = ()) -> list[str]:
    """Placeholders still in text: the command's own names (``<redis-host>``,
    ``[pod-name]``, ``${NAMESPACE}`` — as the parser found them), then any other
    ``<NAME>`` / ``${NAME}`` / ``{{NAME}}`` / ``[NAME]`` form."""
    out = [n for n in names if placeholder_pattern(n).search(text)]
    out += [n for n in placeholders_in(text) if n not in out]
    return out


def prepare_copy(
    clean: str, variables: Mapping[str, str] | None = None, placeholders: Iterable[str] = ()
) -> CopyResult:
    """Apply every copy rule to a command's clean text.

    ``placeholders`` are the names the parser found in the command lines;
    those left unfilled are reported in ``unfilled`` (a Copy must then ask for
    them, ``rbdesk copy`` refuses without ``--allow-unfilled``).
    """
    sanitized, removed = sanitize(clean)
    variables = variables or {}
    # A value's hidden characters go before quoting: removing one from the quoted
    # text could change its shape (a line becoming a here-document's delimiter).
    values = {k: sanitize(v)[0] for k, v in variables.items()}
    filling = fill_checked(sanitized, values)
    filled_names = list(dict.fromkeys(f.name for f in filling.fills))
    for name in filled_names:
        removed += sanitize(variables[name])[1]
    final, removed_after = sanitize(filling.text)  # a safety net: nothing is expected here
    final = final.rstrip("\n")
    while final.endswith(("\n", "\r")):
        final = final[:-1]
    return CopyResult(
        text=final,
        removed=_merge_removals(removed + removed_after),
        destructive=destructive_reasons(final),
        filled=filled_names,
        unfilled=unfilled_names(_without_values(filling), placeholders),
        hidden_text=hidden_text_reasons(final),
        refused=filling.refused,
        values=value_warnings(variables, filled_names),
        value_spans=[
            (f.start, min(f.end, len(final))) for f in filling.fills if f.start < len(final)
        ],
    )


def _without_values(filling: Filling) -> str:
    """The filled text with each value blanked: a value's own ``${IFS}`` is no placeholder."""
    parts: list[str] = []
    pos = 0
    for f in filling.fills:
        parts += [filling.text[pos : f.start], " " * (f.end - f.start)]
        pos = f.end
    parts.append(filling.text[pos:])
    return "".join(parts)


def _merge_removals(items: list[Removal]) -> list[Removal]:
    merged: dict[tuple[str, str], int] = {}
    for r in items:
        merged[(r.kind, r.name)] = merged.get((r.kind, r.name), 0) + r.count
    return [Removal(k, n, c) for (k, n), c in merged.items()]
