"""Best matching section and a highlighted snippet, for the hits being shown.

Works on the runbook file itself (snapshots are immutable, so the file is
what was indexed) plus the section list stored in the index: no Whoosh
highlighter, no stored body. Matched words are wrapped in
:data:`MARK_START` / :data:`MARK_END` (``«`` ``»``) in the plain-text snippet.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

from rbdesk.core.runbook.readfaults import LFS_BANNER, is_lfs_pointer
from rbdesk.core.search import text as tx

MARK_START = "«"
MARK_END = "»"
SNIPPET_CHARS = 220
MAX_READ_BYTES = 2 * 1024 * 1024
MAX_MATCHES_PER_WORD = 300  # per document: enough to rank sections, bounded cost

_MD_STRIP = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"<[^>]{1,200}>"), " "),
    (re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+\[[ xX]\]\s+|[-*+]\s+|\d+[.)]\s+)"), ""),
    (re.compile(r"(\*\*|__|`+|~~)"), ""),
    (re.compile(r"^\s*\|"), ""),
    (re.compile(r"\s*\|\s*"), " | "),
]


def term_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """Case-insensitive regex for the words, their stems' variants included."""
    alts: set[str] = set()
    for w in words:
        w = w.lower()
        if not w:
            continue
        s = tx.stem(w)
        base = s if len(s) >= 3 and w.startswith(s) else w
        alts.add(re.escape(base) + r"\w*" if len(base) >= 3 else r"\b" + re.escape(w) + r"\b")
    if not alts:
        return None
    return re.compile("|".join(sorted(alts, key=len, reverse=True)), re.IGNORECASE)


def read_text(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_READ_BYTES)
    except OSError:
        return ""

    if is_lfs_pointer(data):  # a pointer's hash is no snippet
        return LFS_BANNER[0].upper() + LFS_BANNER[1:]
    return data.decode("utf-8", errors="replace")


def _front_matter_end(lines: list[str]) -> int:
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        for i in range(1, min(len(lines), 400)):
            if lines[i].strip() == fence:
                return i + 1
    return 0


def _heading_index(lines: list[str], title: str, line: int, start: int) -> int:
    """0-based line index of a section heading (stored line, else a search)."""
    i = line - 1
    if 0 <= i < len(lines) and title[:20].lower() in lines[i].lower():
        return i
    low = title.lower()
    for j in range(start, len(lines)):
        if (
            low
            and low in lines[j].lower()
            and (
                lines[j].lstrip().startswith("#")
                or (j + 1 < len(lines) and set(lines[j + 1].strip()) in ({"="}, {"-"}))
            )
        ):
            return j
    return -1


def _literals(pattern: re.Pattern[str]) -> list[tuple[str, bool]] | None:
    """(lower-case literal, whole word only) for each alternative of a term_pattern."""
    out = []
    for alt in pattern.pattern.split("|"):
        whole = alt.startswith(r"\b")
        lit = alt.removeprefix(r"\b").removesuffix(r"\w*").removesuffix(r"\b")
        lit = re.sub(r"\\(.)", r"\1", lit).lower()
        if not lit:
            return None
        out.append((lit, whole))
    return out


def match_lines(lines: list[str], pattern: re.Pattern[str] | None) -> list[int]:
    """Sorted line index of every match of pattern in lines.

    Substring search (``str.find``, C speed) for each literal word of the
    pattern instead of the alternation regex, which tries every alternative
    at every character and was the most expensive part of a query.
    """
    if pattern is None or not lines:
        return []
    text = "\n".join(lines)
    lits = _literals(pattern)
    if lits is None:
        return _line_numbers(text, [m.start() for m in pattern.finditer(text)])
    low = text.lower()
    found: list[int] = []
    n = len(low)
    for lit, whole in lits:
        i = low.find(lit)
        seen = 0
        while i >= 0 and seen < MAX_MATCHES_PER_WORD:
            seen += 1
            if not whole or (
                (i == 0 or not low[i - 1].isalnum())
                and (i + len(lit) >= n or not low[i + len(lit)].isalnum())
            ):
                found.append(i)
            i = low.find(lit, i + len(lit))
    found.sort()
    return _line_numbers(text, found)


def _line_numbers(text: str, offsets: list[int]) -> list[int]:
    """0-based line of each (sorted) character offset, counting newlines in C."""
    out = []
    line = pos = 0
    for i in offsets:
        line += text.count("\n", pos, i)
        pos = i
        out.append(line)
    return out


def best_section(
    lines: list[str],
    sections: list[list],
    pattern: re.Pattern[str] | None,
    title: str,
    hits: list[int] | None = None,
) -> tuple[str, str, int, int]:
    """(section title, anchor, first line, end line) of the best matching section.

    ("", "", body start, end) when the title/top of the document matches best.
    ``hits``: :func:`match_lines` of lines, when already known.
    """
    body_start = _front_matter_end(lines)
    top = ("", "", body_start, len(lines))
    if pattern is None or not sections:
        return top
    spans: list[tuple[str, str, int, int]] = []
    pos = body_start
    located = []
    for sec in sections:
        stitle, anchor, line, level = [*list(sec), 0, 0, 0, 0][:4]
        idx = _heading_index(lines, str(stitle), int(line or 0), pos)
        if idx >= 0:
            located.append((str(stitle), str(anchor), idx, int(level or 0)))
            pos = idx + 1
    for k, (stitle, anchor, idx, level) in enumerate(located):
        end = located[k + 1][2] if k + 1 < len(located) else len(lines)
        if level == 1 or stitle.strip() == title.strip():
            continue
        spans.append((stitle, anchor, idx, end))
    ml = match_lines(lines, pattern) if hits is None else hits
    best, best_score = top, 0.0
    for stitle, anchor, idx, end in spans:
        heading_hits = len(pattern.findall(stitle))
        body_hits = bisect_left(ml, end) - bisect_left(ml, idx + 1)
        score = heading_hits * 4 + min(body_hits, 10)
        if score > best_score:
            best, best_score = (stitle, anchor, idx, end), score
    return best


def plain(line: str) -> str:
    for rx, repl in _MD_STRIP:
        line = rx.sub(repl, line)
    return " ".join(line.split())


# Lines no reader sees: link reference definitions (`[id]: https://…`) and HTML comments.
_REF_DEF_RE = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*\S")
_FENCE_LINE_RE = re.compile(r"^\s*(`{3,}|~{3,})")


def _unseen_lines(lines: list[str]) -> list[str]:
    """lines with link reference definitions and ``<!-- … -->`` comments blanked
    (outside code fences), as the reader drops them."""
    out: list[str] = []
    fence = ""
    in_comment = False
    for ln in lines:
        m = _FENCE_LINE_RE.match(ln)
        if not in_comment and m and (not fence or m.group(1)[0] == fence[0]):
            fence = "" if fence else m.group(1)
            out.append(ln)
            continue
        if fence:
            out.append(ln)
            continue
        if in_comment:
            end = ln.find("-->")
            in_comment = end < 0
            out.append("" if end < 0 else ln[end + 3 :])
            continue
        if _REF_DEF_RE.match(ln):
            out.append("")
            continue
        while "<!--" in ln:
            start = ln.find("<!--")
            end = ln.find("-->", start + 4)
            if end < 0:
                ln, in_comment = ln[:start], True
                break
            ln = ln[:start] + ln[end + 3 :]
        out.append(ln)
    return out


def snippet(
    lines: list[str],
    start: int,
    end: int,
    pattern: re.Pattern[str] | None,
    hits: list[int] | None = None,
) -> str:
    """Plain text around the densest matches in lines[start:end], marks added."""
    ml = match_lines(lines, pattern) if hits is None else hits
    # the window of two lines with most matches (raw lines: only those shown are cleaned)
    best_i, best_n = start, -1
    lo, hi = bisect_left(ml, start), bisect_left(ml, end)
    if pattern is not None and hi > lo:
        for li in sorted(set(ml[lo:hi])):
            n = bisect_left(ml, li + 2) - bisect_left(ml, li)
            if n > best_n:
                best_i, best_n = li, n
    region: list[str] = []
    # what the reader shows: comments and link reference definitions blanked
    # (same line count, so the match indexes still hold)
    shown = _unseen_lines(lines[start:end])
    for ln in shown[best_i - start :]:
        text_ln = plain(ln)
        if text_ln and not set(text_ln) <= {"-", "=", "|", " ", ":"}:
            region.append(text_ln)
            if len(region) == 4:
                break
    if not region:
        return ""
    best_i = 0
    text = " ".join(region[best_i : best_i + 4])
    first = pattern.search(text) if pattern is not None else None
    cut = 0
    if first and first.start() > SNIPPET_CHARS // 3:
        cut = text.rfind(" ", 0, first.start() - SNIPPET_CHARS // 4) + 1
    piece = text[cut : cut + SNIPPET_CHARS]
    if cut + SNIPPET_CHARS < len(text):
        piece = piece[: piece.rfind(" ")] if " " in piece[SNIPPET_CHARS // 2 :] else piece
        piece += " …"
    if cut:
        piece = "… " + piece
    if pattern is not None:
        piece = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", piece)
    return piece


def locate(
    path: Path,
    sections: list[list],
    words: Sequence[str],
    title: str,
    want_snippet: bool = True,
    preferred: tuple[str, str] | None = None,
) -> tuple[str, str, str]:
    """(section, anchor, snippet) for one hit; ``preferred`` overrides the section."""
    pattern = term_pattern(words)
    lines = read_text(path).splitlines()
    hits = match_lines(lines, pattern)
    sec, anchor, start, end = best_section(lines, sections, pattern, title, hits)
    if preferred is not None:
        sec, anchor = preferred  # an alert's own section, or ("", "") for the top
    text = snippet(lines, start, end, pattern, hits) if want_snippet else ""
    return sec, anchor, text


def locate_by_headings(
    sections: list[list], words: Sequence[str], title: str, preferred: tuple[str, str] | None
) -> tuple[str, str, str]:
    """(section, anchor, "") from the stored headings alone (no file read):
    the keystroke path, where a hit must cost no I/O."""
    if preferred is not None:
        return preferred[0], preferred[1], ""
    pattern = term_pattern(words)
    if pattern is None:
        return "", "", ""
    best, best_n = ("", ""), 0
    for sec in sections:
        stitle, anchor, _line, level = [*list(sec), 0, 0, 0, 0][:4]
        if level == 1 or str(stitle).strip() == title.strip():
            continue
        n = len(pattern.findall(str(stitle)))
        if n > best_n:
            best, best_n = (str(stitle), str(anchor)), n
    return best[0], best[1], ""
