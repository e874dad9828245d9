"""`rbdesk alert NAME|- [--json] [--use]`: the runbook for an alert name or a pasted alert.

``rbdesk alert -`` reads an alert notification on stdin (Alertmanager webhook
payload, ``amtool alert query -o json``, a Slack / e-mail / PagerDuty text, a
bare runbook URL), opens its runbook (``runbook_url`` first, then the alert
name) and fills the runbook's variables from the alert's labels. Exit 0 when
a runbook was found, 1 when not (nearest names on stderr), 2 when the paste is
not an alert.
"""

from __future__ import annotations

import argparse
import sys

from rbdesk.cli.common import echo

HELP = "find the runbook for an alert name, or for a pasted alert notification (-)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name",
        help="alert name, any case/format (KubePodCrashLooping), or - to read an alert "
        "notification on stdin",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--use",
        action="store_true",
        help="with -: store the filled variables as the current incident's "
        "(used by `rbdesk copy` and the app's Copy)",
    )


def run(args: argparse.Namespace) -> int:
    if args.name == "-":
        return _run_paste(args)
    if args.use:
        from rbdesk.core.errors import RbdeskError

        raise RbdeskError("--use needs a pasted alert", hint="pipe it in: rbdesk alert - --use")
    return _run_name(args)


def _run_name(args: argparse.Namespace) -> int:
    """Every runbook for the name, in the sources' rank order (the first is the one
    `rbdesk show NAME` and the app open); nearest alert names when there is none."""
    from rbdesk.cli.common import library, print_json
    from rbdesk.core.settings import load_settings
    from rbdesk.core.usecases.refs import RefResolver

    lib = library(args)
    resolver = RefResolver(lib, load_settings(lib.data_dir).docs_prefixes, local_files=False)
    hits = resolver.all_alert_hits(args.name)
    nearest = [] if hits else lib.search.find_alert(args.name).nearest
    if args.json:
        print_json(
            {
                "alert": args.name,
                "found": bool(hits),
                "hits": [_hit_dict(lib, h) for h in hits],
                "nearest": nearest,
            }
        )
        return 0 if hits else 1
    if not hits:
        echo(f"rbdesk: no runbook for alert {args.name!r}", file=sys.stderr)
        if nearest:
            echo("  nearest alert names: " + ", ".join(nearest), file=sys.stderr)
        return 1
    for i, hit in enumerate(hits):
        rb = lib.load(hit.file)
        mark = "" if i == 0 or hit.source == hits[0].source else "  (also; lower rank)"
        echo(f"{rb.title}  [{hit.label()}]{mark}")
        section = _section(rb, hit.anchor)
        if section:
            echo(f"    § {section}")
    return 0


def _section(rb, anchor: str) -> str:
    """The title of rb's section at anchor ("" for the top)."""
    return next((s.title for s in rb.sections if anchor and s.anchor == anchor), "")


def _hit_dict(lib, hit) -> dict:
    rb = lib.load(hit.file)
    section = _section(rb, hit.anchor)
    return {
        "source": hit.source,
        "path": hit.relpath,
        "title": rb.title,
        "section": section,
        "anchor": hit.anchor,
        "owner": rb.owner,
        "severity": _meta(rb, "severity", "criticality", "priority"),
        "last_tested": _meta(rb, "last_tested", "last tested", "lasttested"),
    }


def _meta(rb, *keys: str) -> str:
    """The first of rb's header fields keys that is set, as text (the hit's old fields)."""
    for key in keys:
        value = rb.meta.get(key)
        if value not in (None, ""):
            return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    return ""


def shown(text: str) -> str:
    """text safe for a terminal: hidden characters as visible \\u escapes."""
    from rbdesk.core.usecases.alerts import visible

    return visible(text)


def _run_paste(args: argparse.Namespace) -> int:
    from rbdesk.cli.common import library, print_json
    from rbdesk.core.runbook.copyrules import value_warnings
    from rbdesk.core.settings import load_settings, save_settings
    from rbdesk.core.usecases.alert_runbook import open_alert, use_alert
    from rbdesk.core.usecases.alerts import MAX_PASTE_BYTES, parse_alert_text

    if sys.stdin.isatty():
        echo("rbdesk: paste the alert notification, then press Ctrl+D", file=sys.stderr)
    data = sys.stdin.buffer.read(MAX_PASTE_BYTES + 1)
    paste = parse_alert_text(data)
    alert = paste.first
    if len(paste.alerts) > 1:
        others = ", ".join(a.name or "?" for a in paste.alerts[1:6])
        more = "…" if len(paste.alerts) > 6 else ""
        echo(
            f"rbdesk: note: {paste.count_line()}; using the first "
            f"({shown(alert.name) or 'no name'}); the others: {shown(others)}{more}",
            file=sys.stderr,
        )
    for what in alert.hidden():
        echo(
            f"rbdesk: warning: {what} holds hidden characters (shown as ⟦U+XXXX⟧; "
            "removed when a command is copied)",
            file=sys.stderr,
        )
    lib = library(args)
    settings = load_settings(lib.data_dir)
    opened = open_alert(lib, alert, docs_prefixes=settings.docs_prefixes)
    if opened.problem and opened.resolved is not None:
        echo(f"rbdesk: note: {shown(opened.problem)}", file=sys.stderr)
    if args.json:
        print_json(opened.to_dict())
    else:
        _print_text(opened)  # the runbook first: storing the variables may fail
    if args.use and opened.resolved is not None:
        names = use_alert(settings, opened)
        save_settings(lib.data_dir, settings)  # one-line RbdeskError when it cannot
        stored = ", ".join(names) if names else "none (no placeholder matched a label)"
        echo(f"rbdesk: incident variables set from the alert: {stored}", file=sys.stderr)
        for line in value_warnings(opened.variables, names):
            # Label text is anyone's: copies quote it as data, but the user should see it.
            echo(f"rbdesk: warning: {shown(line)} (copies quote it as text)", file=sys.stderr)
    if opened.resolved is None:
        echo(f"rbdesk: {shown(opened.problem) or 'no runbook found'}", file=sys.stderr)
        echo(
            "  hint: sync the source that holds it (`rbdesk sync`), give its docs site with "
            "`rbdesk source add NAME URL --docs-url SITE`, or `rbdesk search WORDS`",
            file=sys.stderr,
        )
        if args.use:
            echo("rbdesk: nothing stored (--use needs a runbook)", file=sys.stderr)
        return 1
    return 0


def _print_text(opened) -> None:
    a = opened.alert
    head = shown(a.name) or "(no alert name)"
    if a.status:
        head += f" [{shown(a.status)}]"
    if a.starts_at:
        head += f" since {shown(a.starts_at)}"
    echo(head)
    if a.summary():
        echo(f"  {shown(a.summary())}")
    labels = " ".join(f"{k}={shown(v)}" for k, v in a.labels.items() if k != "alertname")
    if labels:
        echo(f"  labels: {labels}")
    if opened.resolved is None:
        return
    how = {"runbook_url": "from its runbook_url", "alertname": "by alert name"}.get(opened.how, "")
    echo(f"runbook: {opened.resolved.label()}  ({how})")
    for note in opened.resolved.notes():  # fallback, also in: other sources
        echo(f"  {note}")
    if opened.variables:
        filled = " ".join(f"{k}={shown(v)}" for k, v in opened.variables.items())
        echo(f"variables: {filled}")
    echo(f"  rbdesk show {opened.resolved.label()}")
