"""Quality checks: the runbook quality checklist made concrete, with stable codes.

Codes (documented in the README):
  RB1xx reading/syntax — RB101 not UTF-8, RB102 fence closed with an info
        string, RB103 unterminated fence, RB104 binary file, RB105 file too
        large, RB106 front matter refused, RB109 nesting too deep, RB110 path
        skipped (not UTF-8, too deep; reported by `rbdesk lint` on a folder)
  RB2xx quality — RB201 no owner, RB202 no last-tested date, RB203 stale
        last-tested date, RB204 procedure without verification, RB205 no
        escalation path, RB206 no contacts, RB207 template placeholder in a
        header field, RB208 header date not understood, RB210 broken relative
        link, RB211 broken #anchor
  RB3xx safety — RB301 destructive command without a warning near it,
        RB302 hidden characters in a command, RB303 a download piped into a
        shell (``curl … | sh``), RB304 a long run of blanks inside a command line
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from rbdesk.core.runbook.model import ERROR, WARNING, Problem, Runbook

DEFAULT_STALE_DAYS = 180


@dataclass
class Facts:
    """What the walk saw that the quality checks need (not part of the model)."""

    has_escalation: bool = False
    has_verification: bool = False
    destructive_unwarned: list[tuple[int, str]] = field(default_factory=list)
    hidden: list[tuple[int, str]] = field(default_factory=list)
    pipe_to_shell: list[int] = field(default_factory=list)  # lines
    blank_runs: list[tuple[int, int]] = field(default_factory=list)  # (line, length)
    header_placeholders: list[tuple[str, str, int]] = field(default_factory=list)
    bad_dates: list[tuple[str, str, int]] = field(default_factory=list)


def quality_problems(
    rb: Runbook,
    facts: Facts,
    *,
    file_path: Path | None = None,
    today: _dt.date | None = None,
    stale_days: int = DEFAULT_STALE_DAYS,
) -> list[Problem]:
    out: list[Problem] = []
    first = rb.sections[0].line if rb.sections else 1
    if not rb.owner:
        out.append(
            Problem(
                first,
                "RB201",
                ERROR,
                "no owner: add an 'Owner:' header line (or 'owner:' in front "
                "matter) naming the team that keeps this runbook current",
            )
        )
    tested = rb.meta.get("last_tested")
    if not tested:
        out.append(
            Problem(
                first,
                "RB202",
                WARNING,
                "no last-tested date: add 'Last Tested: YYYY-MM-DD' after each drill or real use",
            )
        )
    else:
        try:
            age = ((today or _dt.date.today()) - _dt.date.fromisoformat(str(tested))).days
        except ValueError:
            age = None
        if age is not None and age > stale_days:
            out.append(
                Problem(
                    first,
                    "RB203",
                    WARNING,
                    f"last tested {tested}, {age} days ago (limit {stale_days}): "
                    "run a drill and update the date",
                )
            )
    if (rb.steps or _has_shell(rb)) and not (rb.checklist or facts.has_verification):
        line = rb.steps[0].line if rb.steps else first
        out.append(
            Problem(
                line,
                "RB204",
                WARNING,
                "procedure without verification: add a 'Verification:' checklist "
                "or a 'Success Criteria' section saying how to know it worked",
            )
        )
    if not facts.has_escalation:
        out.append(
            Problem(
                first,
                "RB205",
                WARNING,
                "no escalation path: add an '## Escalation' section saying when "
                "to escalate, to whom, and what to hand over",
            )
        )
    if not rb.contacts:
        out.append(
            Problem(
                first,
                "RB206",
                WARNING,
                "no contacts: add a '## Contacts' list or table (name, role, "
                "phone, e-mail or chat channel)",
            )
        )
    for key, value, line in facts.header_placeholders:
        out.append(
            Problem(
                line,
                "RB207",
                WARNING,
                f"header field '{key}' still holds the template placeholder {value!r}: fill it in",
            )
        )
    for key, value, line in facts.bad_dates:
        out.append(
            Problem(
                line,
                "RB208",
                WARNING,
                f"header field '{key}' is not a date rbdesk understands "
                f"({value!r}): write it as YYYY-MM-DD",
            )
        )
    out.extend(link_problems(rb, file_path))
    for line, why in facts.destructive_unwarned:
        out.append(
            Problem(
                line,
                "RB301",
                WARNING,
                f"destructive command ({why}) with no warning near it: add a "
                "'> **Warning:**' line saying what it destroys and when it is safe",
            )
        )
    for line, what in facts.hidden:
        out.append(
            Problem(
                line,
                "RB302",
                WARNING,
                f"command contains a hidden character ({what}): what you see is "
                "not what runs; retype the command",
            )
        )
    for line in facts.pipe_to_shell:
        out.append(
            Problem(
                line,
                "RB303",
                WARNING,
                "command pipes a download into a shell (curl … | sh): whatever the server "
                "sends runs; download the script, check it, then run it",
            )
        )
    for line, length in facts.blank_runs:
        out.append(
            Problem(
                line,
                "RB304",
                WARNING,
                f"command line has {length} blanks in a row: text pushed out of sight "
                "still runs; remove the blanks",
            )
        )
    return out


def _has_shell(rb: Runbook) -> bool:
    return any(c.kind in ("shell", "sql") for c in rb.commands)


def link_problems(rb: Runbook, file_path: Path | None) -> list[Problem]:
    out: list[Problem] = []
    own = {s.anchor.lower() for s in rb.sections}
    base = file_path.parent if file_path is not None else None
    for lk in rb.links:
        if lk.kind not in ("anchor", "runbook", "file"):
            continue
        target, _, frag = lk.target.partition("#")
        target = unquote(target)
        if "{{" in target or "{%" in target or target.startswith("/"):
            continue  # templated or site-absolute: cannot be checked offline
        frag = unquote(frag).lower()
        if not target:
            if frag and frag not in own:
                out.append(
                    Problem(
                        lk.line,
                        "RB211",
                        ERROR,
                        f"broken anchor '#{frag}': no heading in this file has it "
                        "(anchors are lower case, spaces become '-')",
                    )
                )
            continue
        if base is None:
            continue
        dest = (base / target).resolve()
        if not dest.exists():
            out.append(
                Problem(
                    lk.line,
                    "RB210",
                    ERROR,
                    f"broken link to '{lk.target}': no such file "
                    f"({os.path.relpath(dest, base)}); fix the path or remove "
                    "the link",
                )
            )
            continue
        if frag and dest.is_file() and lk.kind == "runbook":
            st = dest.stat()
            if frag not in _anchors_of(str(dest), st.st_mtime_ns, st.st_size):
                out.append(
                    Problem(
                        lk.line,
                        "RB211",
                        ERROR,
                        f"broken anchor in link '{lk.target}': {target} has no heading '#{frag}'",
                    )
                )
    return out


@lru_cache(maxsize=2048)
def _anchors_of(path: str, mtime_ns: int, size: int) -> frozenset[str]:
    """Heading anchors of another runbook (cached while the file is unchanged)."""
    from rbdesk.core.runbook.markdown import decode, markdown_parser, repair_fences

    with open(path, "rb") as fh:
        dec = decode(fh.read())
    text, _ = repair_fences(dec.text)
    return frozenset(
        str(t.attrs.get("id", "")).lower()
        for t in markdown_parser().parse(text)
        if t.type == "heading_open"
    )
