"""rbdesk contacts [QUERY]: contacts across all runbooks (offline)."""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "list contacts across all runbooks (name, role, phone, email, chat)"


def configure(p) -> None:
    p.add_argument("query", nargs="?", default="", help="filter (name, role, team, runbook)")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    from rbdesk.cli.common import library, print_json
    from rbdesk.core.usecases.contact_book import all_contacts

    rows = all_contacts(library(args), args.query)
    if args.json:
        print_json([r.to_dict() for r in rows])
        return 0
    if not rows:
        echo("no contacts found" + (f" for {args.query!r}" if args.query else ""))
        return 0
    for r in rows:
        c = r.contact
        reach = " · ".join(x for x in (c.phone, c.email, c.chat) if x)
        role = f" ({c.role})" if c.role else ""
        echo(f"{c.name}{role}  {reach}")
        echo(f"    {r.order}. in {r.runbook} — {r.source}:{r.path}")
    return 0
