"""rbdesk doctor: check git, the data dir, sources, indexes and Qt, with fixes."""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "check the installation and the library, and print fixes"

_MARK = {"ok": "ok  ", "warning": "warn", "error": "FAIL"}


def configure(p) -> None:
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.add_argument("--no-qt", action="store_true", help="skip the Qt platform check")


def run(args) -> int:
    from rbdesk.cli.common import library, print_json
    from rbdesk.core.usecases.doctor import FAIL, run_checks, summary_line

    checks = run_checks(library(args), check_qt=not args.no_qt)
    if args.json:
        print_json([c.to_dict() for c in checks])
    else:
        for c in checks:
            echo(f"[{_MARK[c.status]}] {c.name}: {c.detail}")
            if c.fix and c.status != "ok":
                echo(f"       fix: {c.fix}")
        echo(f"\n{summary_line(checks)}")
    return 1 if any(c.status == FAIL for c in checks) else 0
