"""Contacts and escalation paths from list items and tables.

Each field holds only its own value: ``phone`` a phone number, ``email`` an
address, ``chat`` a ``#channel`` or ``@handle``; ``name`` what is left once
those are taken out.
"""

from __future__ import annotations

import re

from rbdesk.core.runbook.meta import is_placeholder
from rbdesk.core.runbook.model import Contact

CONTACT_HEADING_RE = re.compile(
    r"contact|escalat|on-?\s?call|personnel|vendor|who to (?:call|page|contact)|stakeholder|"
    r"people|owners\b|support team",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_RE = re.compile(r"(?<![\w/#@.-])\+?\(?\d[\d ().-]{5,}\d(?![\w/])")
_CHAT_RE = re.compile(r"(?<![\w&/.@#])([#@][A-Za-z][\w.-]*[\w])")
_DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_WHEN_LABEL_RE = re.compile(
    r"^(?:when\b|after\b|if\b|within\b|before\b|at\b|\d+\s*(?:s|sec|m|min|mins|minutes?|h|hrs?|"
    r"hours?|d|days?)\b|immediately)",
    re.IGNORECASE,
)
_NOT_CONTACT_LABEL_RE = re.compile(
    r"^(?:what|how|why|info|information|conditions?|criteria|trigger|provide|note|"
    r"see|steps?|process|procedure|policy|sla|response time|escalation path)\b",
    re.IGNORECASE,
)
_METHOD_WORDS = frozenset(
    [
        "pagerduty",
        "phone",
        "slack",
        "email",
        "e-mail",
        "sms",
        "opsgenie",
        "call",
        "page",
        "pager",
        "teams",
        "zoom",
        "telephone",
        "mobile",
        "chat",
        "ticket",
        "jira",
        "victorops",
    ]
)
# A name is a person, a role or a channel: a few words. Prose that happens to sit in
# an on-call section ("watch the #alerts channel for notifications", "Click name.
# Click Set status.") is not one, even when it mentions a channel.
MAX_NAME_WORDS = 6
# First words of instructions and clauses, never of a name or a role.
_INSTRUCTION_VERBS = frozenset(
    """add ask be check click comment confirm copy create do enable disable ensure
    follow get go join keep leave log make monitor open post read remove review run
    see select set start stop switch turn type update use verify wait watch write
    are can could defaults for if is please should then to when will would""".split()
)
_DANGLING_WORDS = frozenset(
    "a an and at by for from in its of on or that the their to with".split()
)


def is_sentence(name: str) -> bool:
    """True when a would-be contact name reads as prose or an instruction."""
    words = name.split()
    if not words:
        return False
    return (
        len(words) > MAX_NAME_WORDS
        or bool(re.search(r"[.!?]\s+\S", name))  # more than one sentence
        or (len(words) >= 3 and name.rstrip().endswith((".", "!", "?")))
        or words[0].lower() in _INSTRUCTION_VERBS
        or name.rstrip().endswith(":")
        or (len(words) >= 4 and name == name.lower())  # roles and names have capitals
        or (len(words) > 1 and words[-1].lower() in _DANGLING_WORDS)
    )


_LEVEL_RE = re.compile(
    r"^\s*(?P<level>(?:L|P|Tier\s*|Level\s*)\d+)\s*[-–—:]\s*(?P<rest>.+)$", re.IGNORECASE
)


def _field_values(text: str) -> tuple[str, str, str, str]:
    """(phone, email, chat, text with those removed)."""
    email_m = _EMAIL_RE.search(text)
    email = email_m.group(0) if email_m else ""
    rest = _EMAIL_RE.sub(" ", text)
    phone = ""
    for m in _PHONE_RE.finditer(_DATE_RE.sub(" ", rest)):
        if sum(c.isdigit() for c in m.group(0)) >= 7:
            phone = m.group(0).strip()
            break
    if phone:
        rest = rest.replace(phone, " ")
    chat_m = _CHAT_RE.search(rest)
    chat = chat_m.group(1) if chat_m else ""
    if chat:
        rest = rest.replace(chat, " ")
    return phone, email, chat, rest


def _clean_name(rest: str) -> str:
    rest = re.sub(
        r"\b(?:slack|phone|tel|mobile|email|e-mail|chat|pagerduty|pager)\s*:\s*",
        " ",
        rest,
        flags=re.IGNORECASE,
    )
    rest = re.sub(r"\(\s*[,;/|\s-]*\)", " ", rest)  # emptied parentheses
    rest = re.sub(r"\s+", " ", rest).strip()
    parts = [p.strip(" ,;|/()-–—*_`") for p in re.split(r"\s[-–—|]\s|[,;(]|\s/\s", rest)]
    parts = [p for p in parts if p]
    return parts[0] if parts else ""


def contact_from_text(text: str, label: str, section: str) -> Contact | None:
    """A contact from one list item: ``Role: Name - +1 555 0100`` and friends."""
    if label and (_NOT_CONTACT_LABEL_RE.match(label) or when_label(label)):
        return None  # a condition or instruction, not a person
    phone, email, chat, rest = _field_values(text)
    when = ""
    role = label
    if label and _WHEN_LABEL_RE.match(label):
        when, role = label, ""
    elif re.match(r"^who\b", label, re.IGNORECASE):
        role = ""  # "Who to contact" names nobody's role
    name = _clean_name(rest)
    if is_sentence(name):
        return None  # prose in an on-call section, not a person, role or channel
    if is_placeholder(name) or name.lower() in _METHOD_WORDS:
        name = "" if is_placeholder(name) else name
    if not name:
        name = chat or email or phone
    if not name or name.startswith("[") or not (phone or email or chat or label):
        return None  # a template, or a bare line of prose, not a person
    return Contact(
        name=name, role=role, phone=phone, email=email, chat=chat, when=when, section=section
    )


def split_label(text: str, bold_label: str | None) -> tuple[str, str]:
    """(label, rest) of ``**Label:** rest`` or ``Label: rest``."""
    if bold_label:
        label = bold_label.strip().rstrip(":").strip()
        rest = text.strip()
        if rest.startswith(bold_label):
            rest = rest[len(bold_label) :]
        return label, rest.lstrip(" :").strip()
    m = re.match(r"^\s*([A-Za-z][\w .'/&-]{0,40}?)\s*:\s+(.*)$", text, re.DOTALL)
    if m and len(m.group(1).split()) <= 5:
        return m.group(1).strip(), m.group(2).strip()
    return "", text.strip()


def when_label(label: str) -> bool:
    return bool(re.match(r"^when\b", label, re.IGNORECASE))


# --- tables -------------------------------------------------------------------

_NAME_COLS = ("name", "person", "who", "vendor", "engineer", "contact name", "owner", "primary")
_ROLE_COLS = ("role", "level", "title", "position", "team", "purpose", "tier")
_WHEN_COLS = ("when", "time", "when to contact", "after", "escalate after", "escalation time")


def _col(headers: list[str], names: tuple[str, ...]) -> int | None:
    for i, h in enumerate(headers):
        if h in names:
            return i
    for i, h in enumerate(headers):
        if any(h.startswith(n + " ") for n in names):
            return i
    return None


def is_contact_table(headers: list[str]) -> bool:
    """A table that lists people even outside a contacts section."""
    hs = [h.lower() for h in headers]
    has_name = _col(hs, ("name", "person", "contact")) is not None
    has_detail = any(h in ("phone", "email", "e-mail", "slack", "contact", "role") for h in hs)
    return has_name and has_detail


def contacts_from_table(headers: list[str], rows: list[list[str]], section: str) -> list[Contact]:
    hs = [h.strip().lower() for h in headers]
    name_i = _col(hs, _NAME_COLS)
    contact_i = _col(hs, ("contact", "support contact", "contact info"))
    role_i = _col(hs, _ROLE_COLS)
    when_i = _col(hs, _WHEN_COLS)
    out: list[Contact] = []
    for row in rows:
        cells = [c.strip() for c in row] + [""] * (len(hs) - len(row))
        phone = email = chat = ""
        for c in cells:
            p, e, ch, _ = _field_values(c)
            phone, email, chat = phone or p, email or e, chat or ch
        role = cells[role_i] if role_i is not None else ""
        when = cells[when_i] if when_i is not None and when_i != role_i else ""
        name = ""
        if name_i is not None:
            name = _clean_name(_field_values(cells[name_i])[3])
        if not name and contact_i is not None:
            rest = _field_values(cells[contact_i])[3]
            candidate = _clean_name(rest)
            if candidate.lower() not in _METHOD_WORDS:
                name = candidate
        if not name and role:
            m = _LEVEL_RE.match(role)  # "L2 - Team Lead": the level is the role
            if m:
                role, name = m.group("level"), m.group("rest").strip()
        if not name or is_placeholder(name) or is_sentence(name):
            continue
        if is_placeholder(role):
            role = ""
        out.append(
            Contact(
                name=name,
                role=role,
                phone=phone,
                email=email,
                chat=chat,
                when=when if not is_placeholder(when) else "",
                section=section,
            )
        )
    return out
