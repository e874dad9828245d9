"""The reader's header card: owner, severity, last tested (with its freshness),
and where the runbook came from (source, path, commit, sync time, signature).

No Qt here; :mod:`rbdesk.core.render.reader` puts the card above the runbook.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from html import escape

from rbdesk.core.runbook.model import Runbook

STALE_AMBER_DAYS = 90
STALE_RED_DAYS = 180


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    """Where the runbook came from, for the header card."""

    source: str = ""
    relpath: str = ""
    commit: str = ""
    synced_at: str = ""
    today: _dt.date | None = None  # for tests; default: today
    signature: str = ""  # "signed by alice@example.com", "unsigned", "not verifiable"
    signature_warn: bool = False  # shown in warning colour (verify=warn and not good)
    owners: str = ""  # from CODEOWNERS / OWNERS when the runbook names no owner
    owners_from: str = ""  # where: "CODEOWNERS:12", "alerts/x/OWNERS"


# -- freshness ---------------------------------------------------------------------------


def freshness(last_tested: str, today: _dt.date | None = None) -> tuple[str, int | None]:
    """("ok" | "amber" | "red" | "unknown", age in days) of a YYYY-MM-DD date."""
    try:
        d = _dt.date.fromisoformat(str(last_tested).strip()[:10])
    except ValueError:
        return "unknown", None
    age = ((today or _dt.date.today()) - d).days
    if age > STALE_RED_DAYS:
        return "red", age
    if age > STALE_AMBER_DAYS:
        return "amber", age
    return "ok", age


# -- header card ---------------------------------------------------------------------------


def _meta(rb: Runbook, *keys: str) -> str:
    for k in keys:
        v = rb.meta.get(k)
        if v not in (None, "", [], {}):
            return ", ".join(map(str, v)) if isinstance(v, list) else str(v)
    return ""


def header_card_html(rb: Runbook, header: HeaderInfo | None) -> str:
    header = header or HeaderInfo()
    owner = rb.owner or _meta(rb, "team", "authors")
    severity = _meta(rb, "severity", "criticality", "priority")
    tested = _meta(rb, "last_tested", "last_updated", "updated")
    cells: list[str] = []
    if owner:
        cells.append(f"<b>Owner</b> {escape(owner)}")
    elif header.owners:
        where = f' <span class="path">({escape(header.owners_from)})</span>'
        cells.append(f"<b>Owner</b> {escape(header.owners)}{where if header.owners_from else ''}")
    if severity:
        cells.append(f'<b>Severity</b> <span class="sev">{escape(severity)}</span>')
    state, age = freshness(tested, header.today)
    if tested:
        mark = {
            "amber": ' <span class="amber">● stale</span>',
            "red": ' <span class="red">● very stale</span>',
        }.get(state, "")
        ago = f" ({age} d ago)" if age is not None else ""
        cells.append(f"<b>Last tested</b> {escape(tested)}{ago}{mark}")
    else:
        cells.append('<b>Last tested</b> <span class="amber">unknown</span>')
    where = []
    if header.source:
        where.append(f"<b>Source</b> {escape(header.source)}")
    if header.relpath:
        where.append(f'<span class="path">{escape(header.relpath)}</span>')
    if header.commit:
        where.append(f"<b>Commit</b> <code>{escape(header.commit[:7])}</code>")
    if header.synced_at:
        where.append(f"<b>Synced</b> {escape(header.synced_at)}")
    if header.signature:
        cls = "amber" if header.signature_warn else "sig"
        where.append(f'<span class="{cls}">{escape(header.signature)}</span>')
    sep = "&nbsp;&nbsp;·&nbsp;&nbsp;"
    # Owners from CODEOWNERS / OWNERS answer RB201 (as `rbdesk lint` counts them).
    problems = sum(1 for p in rb.problems if not (header.owners and p.code == "RB201"))
    prob = f'{sep}<span class="amber">{problems} lint problem(s)</span>' if problems else ""
    return (
        '<table class="card" width="100%" cellspacing="0" cellpadding="8"><tr><td>'
        f'<p class="cardline">{sep.join(cells)}{prob}</p>'
        f'<p class="cardwhere">{sep.join(where)}</p>'
        "</td></tr></table>"
    )
