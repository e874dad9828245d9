"""rbdesk lint PATH...: check runbooks against the quality checklist."""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "check runbooks (files or folders) for problems; exit 1 when any error is found"


def configure(p) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="runbook files or folders")
    p.add_argument("--json", action="store_true", help="print a JSON list of findings")
    p.add_argument(
        "--stale-days",
        type=int,
        default=180,
        metavar="N",
        help="last-tested dates older than N days are stale (default 180)",
    )


def run(args) -> int:
    from pathlib import Path

    from rbdesk.cli.common import print_json
    from rbdesk.core.errors import NotFoundError
    from rbdesk.core.usecases.lint import lint_paths

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise NotFoundError(f"{missing[0]}: no such file or folder")
    findings = lint_paths(args.paths, stale_days=args.stale_days)
    if args.json:
        print_json([f.to_dict() for f in findings])
    else:
        for f in findings:
            echo(f.format())
    return 1 if any(f.severity == "error" for f in findings) else 0
