"""rbdesk changes: the runbooks that changed between two snapshots of each source."""

from __future__ import annotations

from rbdesk.cli.changes_text import SINCE_HELP

HELP = "what changed in the runbooks since the previous sync (or --since COMMIT|DATE|DURATION)"


def configure(p) -> None:
    p.add_argument("--since", metavar="WHEN", default=None, help=SINCE_HELP)
    p.add_argument("--source", metavar="NAME", default=None, help="only this source")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="highlight words"
    )


def run(args) -> int:
    from rbdesk.cli.changes_text import file_lines, source_header
    from rbdesk.cli.common import echo, library, print_json, use_color
    from rbdesk.core.usecases.changes import changes, mark_seen

    lib = library(args)
    results = changes(lib, since=args.since, source=args.source)
    if args.json:
        print_json([r.to_dict() for r in results])
        return 0
    color = use_color(args.color)
    for r in results:
        echo(source_header(r))
        for f in r.ordered():
            for line in file_lines(f, color, full=False):
                print(line)  # already terminal-safe (changes_text)
    mark_seen(lib, results)  # read in a terminal: the person has looked
    return 0
