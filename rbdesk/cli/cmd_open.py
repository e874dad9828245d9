"""rbdesk open REF: open a runbook (path, id, alert or web URL) in the app."""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "open a runbook by path, id (RUN-007), alert name or web URL"


def configure(p) -> None:
    p.add_argument("ref", help="path, id, alert name, or GitHub/GitLab/docs URL of a runbook")
    p.add_argument(
        "--print",
        action="store_true",
        dest="print_only",
        help="print where REF points (source:path#anchor and the file) instead",
    )


def run(args) -> int:
    from rbdesk.cli.common import library, resolve

    lib = library(args)
    res = resolve(lib, args.ref)
    if args.print_only:
        echo(res.label())
        echo(res.file.path)
        return 0
    from rbdesk.cli.common import require_qt

    require_qt()
    from rbdesk.ui.app import run_app

    args.ref = res.label() if res.source else str(res.file.path)
    args.alert = None
    return run_app(args)
