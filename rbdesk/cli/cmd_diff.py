"""rbdesk diff REF: one runbook's changes (sections, commands old -> new)."""

from __future__ import annotations

from rbdesk.cli.changes_text import SINCE_HELP

HELP = "one runbook's changes since the previous sync (or --since …): sections, commands"


def configure(p) -> None:
    p.add_argument("ref", help="path, id, alert name or URL of the runbook")
    p.add_argument("--since", metavar="WHEN", default=None, help=SINCE_HELP)
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="highlight words"
    )


def run(args) -> int:
    from rbdesk.cli.changes_text import file_lines, revision_label
    from rbdesk.cli.common import echo, library, print_json, use_color
    from rbdesk.core.settings import load_settings
    from rbdesk.core.usecases.changes import runbook_changes
    from rbdesk.core.usecases.refs import resolve_ref

    lib = library(args)
    res = resolve_ref(lib, args.ref, docs_prefixes=load_settings(lib.data_dir).docs_prefixes)
    span, change = runbook_changes(lib, res.file, args.since)
    if args.json:
        print_json(
            {
                "source": span.source,
                "from": span.old,
                "to": span.new,
                "note": span.note or None,
                "runbook": change.to_dict() if change else None,
            }
        )
        return 0
    color = use_color(args.color)
    echo(res.label())
    if span.old is None:
        echo(f"  {span.note}")
        return 0
    when = f"{revision_label(span.old, span.old_when)} -> {revision_label(span.new, span.new_when)}"
    if change is None:
        echo(f"  unchanged {when}")
        return 0
    echo(f"  {when}" + (f" ({span.note})" if span.note else ""))
    for line in file_lines(change, color, full=True):
        print(line)  # already terminal-safe (changes_text)
    return 0
