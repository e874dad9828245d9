"""`rbdesk search QUERY... [--json] [--limit N] [--source S] [--prefix]`."""

from __future__ import annotations

import argparse

from rbdesk.cli.common import echo

HELP = "search the runbooks (alert names, error text, commands; typos are forgiven)"
# A query is often a pasted command: `rbdesk search journalctl -u kubelet`.
TAKES_DASHED_WORDS = True
_OPTIONS_WITH_VALUE = ("--limit", "--source")
_FLAGS = ("--json", "--prefix")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "query",
        nargs="*",
        help='words, "phrases", tag: owner: severity: source: alert: (a pasted '
        "command's -x options are words too)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--limit", type=int, default=10, metavar="N", help="hits to show (default 10)"
    )
    parser.add_argument("--source", metavar="S", help="search only this source")
    parser.add_argument(
        "--prefix",
        action="store_true",
        help="the last word is unfinished (matches words it starts): what the app's "
        "list shows once typing pauses",
    )


def run(args: argparse.Namespace) -> int:
    from rbdesk.core.errors import RbdeskError

    if args.limit < 1:
        raise RbdeskError("--limit must be at least 1", hint="e.g. --limit 20")
    query = query_text(getattr(args, "_words", None), args.query)
    if not query.strip():
        raise RbdeskError("nothing to search for", hint="e.g. rbdesk search kafka consumer lag")
    result = _search(args, query)
    if args.json:
        from rbdesk.cli.common import print_json

        print_json(result)
        return 0
    if result["corrected"]:
        echo(f"(no results for {result['query']!r}; showing {result['corrected']!r})")
    if not result["hits"]:
        echo(f"no runbook matches {result['query']!r}")
        return 1
    for hit in result["hits"]:
        where = f"{hit['path']}#{hit['anchor']}" if hit["anchor"] else hit["path"]
        extra = ", ".join(x for x in (hit["severity"], hit["owner"]) if x)
        echo(f"{hit['title']}  [{hit['source']}:{where}]" + (f"  ({extra})" if extra else ""))
        if hit["section"]:
            echo(f"    § {hit['section']}")
        if hit["snippet"]:
            echo(f"    {hit['snippet']}")
    shown = len(result["hits"])
    if result["total"] > shown:
        echo(f"({shown} of {result['total']} runbooks; --limit N shows more)")
    return 0


def query_text(typed: list[str] | None, words: list[str]) -> str:
    """The query as typed (``typed``: the words after ``search``): all but the
    command's own options, ``-u`` and ``--all-namespaces`` included, in order."""
    if not typed:
        return " ".join(words)
    out: list[str] = []
    tail = iter(typed)
    for word in tail:
        if word == "--":
            out.extend(tail)
            break
        if word == "--data-dir" or word.startswith("--data-dir="):
            # rbdesk's own option, but only before the command: not a query word
            from rbdesk.core.errors import RbdeskError

            raise RbdeskError(
                "--data-dir goes before the command",
                hint="e.g. rbdesk --data-dir DIR search kafka consumer lag",
            )
        if word in _OPTIONS_WITH_VALUE:
            next(tail, None)
        elif word in _FLAGS or word.startswith(tuple(f"{o}=" for o in _OPTIONS_WITH_VALUE)):
            continue
        else:
            out.append(word)
    return " ".join(out)


def _search(args: argparse.Namespace, query: str) -> dict:
    """The result as JSON-ready data: from the resident search server when one
    answers (a new process then skips importing Whoosh and opening indexes),
    else searched here, and a server is started for the next time."""
    from rbdesk.core import paths
    from rbdesk.core.errors import RbdeskError
    from rbdesk.core.search import server

    problem = server.query_problem(query)
    if problem:
        raise RbdeskError(problem, hint="e.g. rbdesk search kafka consumer lag")
    data_dir = paths.data_dir(args.data_dir)
    prefix = bool(getattr(args, "prefix", False))
    request = {"op": "search", "query": query, "limit": args.limit, "source": args.source}
    if prefix:
        request["prefix"] = True
    answer = server.ask(data_dir, request)
    if answer is not None and answer.get("refused"):
        raise RbdeskError(str(answer.get("error")), hint="e.g. rbdesk search kafka consumer lag")
    if answer is not None:
        return answer["result"]
    from rbdesk.cli.common import library

    reason = server.in_process_reason(data_dir) if server.enabled() else ""
    if reason and not reason.startswith("no server is running"):
        import sys

        print(f"rbdesk: note: searching in this process: {reason}", file=sys.stderr)
    lib = library(args)
    if args.source:
        lib.root(args.source)  # clear error for an unknown source
    if prefix:  # the app's pause search, the same call
        result = lib.search.prefix_search(
            query, limit=args.limit, source=args.source, snippets=True
        )
    else:
        result = lib.search.search(query, limit=args.limit, source=args.source)
    server.spawn(data_dir)
    return result.to_dict()
