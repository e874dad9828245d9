"""`rbdesk alert NAME [--json]`: the runbook for an alert (exit 1 with nearest names)."""

from __future__ import annotations

import argparse
import sys

from rbdesk.cli.common import echo

HELP = "find the runbook (and section) for an alert name"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="alert name, any case/format (KubePodCrashLooping)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from rbdesk.cli.common import library, print_json

    match = library(args).search.find_alert(args.name)
    if args.json:
        print_json(match.to_dict())
        return 0 if match.hits else 1
    if not match.hits:
        echo(f"rbdesk: no runbook for alert {args.name!r}", file=sys.stderr)
        if match.nearest:
            echo("  nearest alert names: " + ", ".join(match.nearest), file=sys.stderr)
        return 1
    for hit in match.hits:
        where = f"{hit.path}#{hit.anchor}" if hit.anchor else hit.path
        echo(f"{hit.title}  [{hit.source}:{where}]")
        if hit.section:
            echo(f"    § {hit.section}")
    return 0
