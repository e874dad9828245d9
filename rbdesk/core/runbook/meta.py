"""Header fields: normalised keys and values for ``Runbook.meta``.

Sources are YAML front matter and ``**Key:** value`` / ``Key: value`` lines in
the header region. Keys become snake_case with a few synonyms folded together;
dates become ``YYYY-MM-DD``; ``authors`` and ``tags`` become lists; template
placeholders (``YYYY-MM-DD``, ``[Team/Person]``) are not values.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

DATE_KEYS = frozenset({"last_tested", "last_updated", "date", "review_date", "next_review"})
LIST_KEYS = frozenset({"authors", "tags"})

_SYNONYMS = {
    "tested": "last_tested",
    "last_test": "last_tested",
    "last_tested_date": "last_tested",
    "lasttested": "last_tested",
    "last_drill": "last_tested",
    "updated": "last_updated",
    "last_modified": "last_updated",
    "lastmod": "last_updated",
    "lastupdated": "last_updated",
    "author": "authors",
    "tag": "tags",
    "keywords": "tags",
    "labels": "tags",
    "oncall": "on_call",
    "on_call_rotation": "on_call",
    "runbook_id": "id",
    "owners": "owner",
    "owner_team": "owner",
    "team_owner": "owner",
    "serviceowner": "service_owner",
}

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}

_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\b|T)")
_DMY_NAME_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MDY_NAME_RE = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_PLACEHOLDER_RE = re.compile(
    r"^\s*(?:\[[^\]]*\]|<[^>]*>|\{\{[^}]*\}\}|YYYY[-/]MM[-/]DD.*|TBD|TODO|N/?A|XXX+|\?+|-+)\s*$",
    re.IGNORECASE,
)


def snake_key(key: str) -> str:
    """``Last Tested`` → ``last_tested``; synonyms folded (``Author`` → ``authors``)."""
    k = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key.strip())
    k = re.sub(r"[^0-9A-Za-z]+", "_", k).strip("_").lower()
    return _SYNONYMS.get(k, k)


def is_placeholder(value: Any) -> bool:
    """A template value that was never filled in (``[Team/Person]``, ``YYYY-MM-DD``)."""
    return isinstance(value, str) and bool(_PLACEHOLDER_RE.match(value))


def normalize_date(value: Any) -> str | None:
    """``2026-09-30 14:05`` / ``30 Sep 2026`` / a YAML date → ``2026-09-30``; else None."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    s = value.strip().strip("*_` ")
    for rx, order in ((_ISO_RE, "ymd"), (_DMY_NAME_RE, "dmy"), (_MDY_NAME_RE, "mdy")):
        m = rx.match(s)
        if not m:
            continue
        a, b, c = m.groups()
        try:
            if order == "ymd":
                y, mo, d = int(a), int(b), int(c)
            elif order == "dmy":
                y, mo, d = int(c), _MONTHS[b.lower()], int(a)
            else:
                y, mo, d = int(c), _MONTHS[a.lower()], int(b)
            return _dt.date(y, mo, d).isoformat()
        except (KeyError, ValueError):
            return None
    return None


def split_list(value: Any) -> list[str]:
    """A YAML list or a comma-separated line → a list of clean strings."""
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        items = [str(v) for v in value if v is not None]
    else:
        items = re.split(r"\s*[,;]\s*", str(value))
    out: list[str] = []
    for item in items:
        item = clean_inline_value(item).lstrip("#").strip()
        if item and not is_placeholder(item) and item not in out:
            out.append(item)
    return out


def clean_inline_value(value: str) -> str:
    """Strip Markdown emphasis and code marks around a header value."""
    v = value.strip()
    v = re.sub(r"^[*_]{1,3}|[*_]{1,3}$", "", v).strip()
    if len(v) >= 2 and v[0] == v[-1] == "`":
        v = v[1:-1]
    return v.strip()


class MetaBuilder:
    """Collects header fields; the first value seen for a key wins."""

    def __init__(self) -> None:
        self.meta: dict[str, Any] = {}
        self.placeholders: list[tuple[str, str, int]] = []  # (key, raw value, line)
        self.bad_dates: list[tuple[str, str, int]] = []

    def add(self, key: str, value: Any, line: int) -> None:
        k = snake_key(key)
        if not k or k in self.meta:
            return
        if isinstance(value, str):
            value = clean_inline_value(value)
            if not value:
                return
            if is_placeholder(value) or (k in DATE_KEYS and "YYYY" in value.upper()):
                self.placeholders.append((k, value, line))
                return
        if k in DATE_KEYS:
            d = normalize_date(value)
            if d is None:
                self.bad_dates.append((k, str(value), line))
                return
            self.meta[k] = d
        elif k in LIST_KEYS:
            items = split_list(value)
            if items:
                self.meta[k] = items
        elif isinstance(value, _dt.date):
            self.meta[k] = value.isoformat()
        elif isinstance(value, str | int | float | bool) or value is None:
            self.meta[k] = value
        elif isinstance(value, list):
            self.meta[k] = [v if isinstance(v, str | int | float | bool) else str(v) for v in value]
        else:
            self.meta[k] = value if isinstance(value, dict) else str(value)


# `**Key:** value`, `**Key**: value`, `__Key:__ value`
_BOLD_KV_RE = re.compile(
    r"^\s*(?P<m>\*\*|__)(?P<key>[^*_:\n]{1,40}?)\s*(?::\s*(?P=m)|(?P=m)\s*:)\s*(?P<val>.*)$"
)
# `Key: value` (plain), a short key of words
_PLAIN_KV_RE = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z0-9 _/-]{0,30}?)\s*:\s+(?P<val>\S.*)$")
# Register style title: `RUN-007: Title`
ID_TITLE_RE = re.compile(r"^\s*(?P<id>[A-Z][A-Z0-9]{1,7}-\d{1,6})\s*[:\-–—]\s*(?P<title>\S.*)$")


def header_pairs(lines: list[str]) -> list[tuple[int, str, str]] | None:
    """Key/value pairs of a header paragraph: (line offset, key, value), or None.

    Bold ``**Key:** value`` lines always count; plain ``Key: value`` lines count
    only when every line of the paragraph is a key/value line (so prose with a
    colon is not mistaken for a field).
    """
    pairs: list[tuple[int, str, str]] = []
    plain_ok = True
    for off, line in enumerate(lines):
        m = _BOLD_KV_RE.match(line)
        if m:
            pairs.append((off, m.group("key"), m.group("val")))
            continue
        m = _PLAIN_KV_RE.match(line)
        if m and len(m.group("key").split()) <= 4 and "://" not in m.group("key"):
            pairs.append((off, m.group("key"), m.group("val")))
            continue
        plain_ok = False
    if not plain_ok:
        pairs = [p for p in pairs if _BOLD_KV_RE.match(lines[p[0]])]
    return pairs or None
