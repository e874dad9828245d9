"""rbdesk gui: open the desktop app."""

from __future__ import annotations

HELP = "open the desktop app (the default command)"


def configure(p) -> None:
    p.add_argument("--alert", metavar="NAME", help="open the runbook for this alert")
    p.add_argument("ref", nargs="?", help="a runbook to open (path, id, alert or URL)")


def run(args) -> int:
    from rbdesk.cli.common import require_qt

    require_qt()
    from rbdesk.ui.app import run_app

    return run_app(args)
