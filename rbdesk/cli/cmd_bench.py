"""`rbdesk bench search --queries FILE --prefixes FILE [--json]`: search latency.

Opens the current library's index once, runs each line of --queries as an
Enter-style query (with snippets) and each line of --prefixes as as-you-type
input through the same API the GUI uses, and prints p50/p95 in milliseconds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "measure search latency on the current library"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="bench_what", metavar="WHAT", required=True)
    p = sub.add_parser("search", help="Enter-style and per-keystroke search latency")
    p.add_argument("--queries", required=True, metavar="FILE", help="one query per line")
    p.add_argument("--prefixes", required=True, metavar="FILE", help="one typed input per line")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="hits per query")


def _lines(path: str) -> list[str]:
    from rbdesk.core.errors import RbdeskError

    try:
        text = Path(path).read_text("utf-8", errors="replace")
    except OSError as exc:
        raise RbdeskError(f"cannot read {path}: {exc.strerror}", hint="give a text file") from exc
    lines = [ln.rstrip("\r\n") for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise RbdeskError(f"{path} has no lines", hint="put one query per line")
    return lines


def percentile(samples: list[float], q: float) -> float:
    s = sorted(samples)
    k = min(len(s) - 1, max(0, round(q * (len(s) - 1))))
    return round(s[k], 2)


def run(args: argparse.Namespace) -> int:
    import time

    from rbdesk.cli.common import library, print_json

    queries, prefixes = _lines(args.queries), _lines(args.prefixes)
    svc = library(args).search
    svc.search(queries[0], limit=args.limit)  # opens (or builds) the index once
    timings: dict[str, list[float]] = {"query": [], "prefix": []}
    for kind, lines in (("query", queries), ("prefix", prefixes)):
        for line in lines:
            t = time.perf_counter()
            if kind == "query":
                svc.search(line, limit=args.limit, snippets=True)
            else:
                svc.prefix_search(line, limit=args.limit)
            timings[kind].append((time.perf_counter() - t) * 1000)
    out = {
        "query_p50_ms": percentile(timings["query"], 0.5),
        "query_p95_ms": percentile(timings["query"], 0.95),
        "prefix_p50_ms": percentile(timings["prefix"], 0.5),
        "prefix_p95_ms": percentile(timings["prefix"], 0.95),
    }
    if args.json:
        print_json(out)
    else:
        for k, v in out.items():
            print(f"{k}: {v}")
    return 0
