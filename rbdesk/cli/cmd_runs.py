"""rbdesk runs: checklist runs of incidents and drills, from a terminal.

    rbdesk runs [--json]                          list runs, newest first
    rbdesk runs start REF [--kind incident|drill] [--name NAME] [--initials XY]
    rbdesk runs tick ID ITEM [--note TEXT] [--undo]
    rbdesk runs show ID [--json]
    rbdesk runs finish ID
    rbdesk runs export ID -o FILE                 .md or .json by extension

Never imports Qt. The store is :mod:`rbdesk.core.runs.store`.
"""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "checklist runs of incidents and drills: start, tick, show, finish, export"


def configure(p) -> None:
    p.add_argument("--json", action="store_true", help="list runs as JSON")
    sub = p.add_subparsers(dest="runs_command", metavar="ACTION")

    s = sub.add_parser("start", help="start a run of a runbook; prints the run id")
    s.add_argument("ref", metavar="REF", help="runbook path, id like RUN-007, or alert name")
    s.add_argument("--kind", choices=("incident", "drill"), default="incident")
    s.add_argument("--name", default="", help="incident or drill name, e.g. INC-1234")
    s.add_argument(
        "--initials", default=None, help="who runs it (default: $RBDESK_INITIALS or settings)"
    )

    t = sub.add_parser(
        "tick", help="mark an item done (ITEM numbered from 1 in page order, as the drill sheet)"
    )
    t.add_argument("id", metavar="ID")
    t.add_argument("item", metavar="ITEM", type=int)
    t.add_argument("--note", default=None, help="note for this item (replaces an earlier one)")
    t.add_argument("--undo", action="store_true", help="mark the item not done")
    t.add_argument("--by", default=None, help="initials (default: the run's)")

    sh = sub.add_parser("show", help="show a run's items")
    sh.add_argument("id", metavar="ID")
    sh.add_argument("--json", action="store_true", help="print the run as JSON")

    f = sub.add_parser("finish", help="close a run")
    f.add_argument("id", metavar="ID")

    e = sub.add_parser("export", help="write a run's timeline as Markdown or JSON")
    e.add_argument("id", metavar="ID")
    e.add_argument("-o", "--output", required=True, metavar="FILE", help=".md or .json")


def run(args) -> int:
    from rbdesk.core.runs.store import RunStore

    store = RunStore(_data_dir(args))
    try:
        action = getattr(args, "runs_command", None) or "list"
        return _ACTIONS[action](args, store)
    finally:
        store.close()


def _data_dir(args):
    from rbdesk.core import paths

    return paths.data_dir(getattr(args, "data_dir", None))


def _list(args, store) -> int:
    from rbdesk.cli.common import print_json

    runs = store.list()
    if args.json:
        print_json([{k: v for k, v in r.to_dict().items() if k != "items"} for r in runs])
        return 0
    if not runs:
        echo("no runs yet: start one with `rbdesk runs start REF`")
        return 0
    for r in runs:
        state = f"finished {r.finished_at}" if r.finished else "OPEN"
        name = r.name or "-"
        echo(
            f"#{r.id:<4} {r.kind:<8} {name:<12} {r.done:>3}/{r.total:<3} "
            f"{r.started_at}  {state:<30} {r.title}"
        )
    return 0


def _start(args, store) -> int:
    import sys

    from rbdesk.cli.common import library, resolve
    from rbdesk.core.library.origin import origin_for
    from rbdesk.core.settings import default_initials, load_settings
    from rbdesk.core.usecases.alert_runbook import incident_alert
    from rbdesk.core.usecases.printrefs import root_of

    lib = library(args)
    file = resolve(lib, args.ref).file
    rb = lib.load(file)
    initials = args.initials if args.initials is not None else default_initials(lib.data_dir)
    # The alert that opened this runbook (`rbdesk alert - --use`), for the postmortem.
    _name, alert = incident_alert(load_settings(lib.data_dir), f"{file.source}:{file.relpath}")
    run = store.start(
        rb,
        origin_for(root_of(lib, file), file),
        kind=args.kind,
        name=args.name,
        initials=initials,
        file=file.path,
        alert=alert,
    )
    echo(run.id)
    echo(
        f"started {run.kind} run #{run.id} of {run.title} ({run.total} items)",
        file=sys.stderr,
    )
    if not initials:
        echo(
            "  note: no initials recorded; pass --initials or set RBDESK_INITIALS",
            file=sys.stderr,
        )
    return 0


def _tick(args, store) -> int:
    from rbdesk.core.runs.store import parse_run_id

    run_id = parse_run_id(args.id)
    item = store.tick(run_id, args.item, checked=not args.undo, note=args.note, by=args.by)
    state = f"done {item.at}" + (f" by {item.by}" if item.by else "") if item.checked else "open"
    note = f"  note: {item.note}" if item.note else ""
    echo(f"#{run_id} item {item.number} {state}: {item.text}{note}")
    return 0


def _show(args, store) -> int:
    from rbdesk.cli.common import library, print_json
    from rbdesk.core.library.origin import short_revision
    from rbdesk.core.runs.store import UNCHANGED, parse_run_id, runbook_change

    run = store.get(parse_run_id(args.id))
    lib = library(args)
    change = runbook_change(lib.roots(), run)
    diff = _run_runbook_diff(lib, run) if change != UNCHANGED else None
    if args.json:
        extra = {"runbook_changes": diff.to_dict() if diff else None}
        print_json({**run.to_dict(), "runbook_status": change, **extra})
        return 0
    name = f" {run.name}" if run.name else ""
    echo(f"Run #{run.id}: {run.kind}{name} — {run.title}")
    echo(f"  runbook:  {run.runbook} ({run.source_label}), {short_revision(run.revision)}")
    if change != UNCHANGED:
        echo(f"  WARNING:  the runbook is {change} since this run started")
        _print_run_diff(diff)
    echo(f"  started:  {run.started_at}" + (f" by {run.initials}" if run.initials else ""))
    echo(f"  finished: {run.finished_at or 'not yet'}   done {run.done}/{run.total}")
    for i in run.items:
        box = "[x]" if i.checked else "[ ]"
        when = f"  {i.at} {i.by}".rstrip() if i.checked else ""
        echo(f"  {i.number:>3}. {box} {i.text}{when}")
        if i.note:
            echo(f"        note: {i.note}")
    return 0


def _run_runbook_diff(lib, run):
    """The runbook's changes since the snapshot the run used (None when not known)."""
    from rbdesk.core.errors import RbdeskError
    from rbdesk.core.sync.git import GitFailure
    from rbdesk.core.sync.history import HistoryUnavailable
    from rbdesk.core.usecases.changes import runbook_changes_from

    root = next((r for r in lib.roots() if r.name == run.source), None)
    if root is None or not run.commit or root.kind == "samples":
        return None
    try:
        return runbook_changes_from(lib, root, run.path, run.commit)
    except (HistoryUnavailable, GitFailure, RbdeskError, OSError):
        return None


def _print_run_diff(diff) -> None:
    if diff is None:
        return
    from rbdesk.cli.changes_text import file_lines

    for line in file_lines(diff, color=False, full=True, indent="  "):
        print(line)  # already terminal-safe (changes_text)


def _finish(args, store) -> int:
    from rbdesk.core.runs.store import parse_run_id

    run = store.finish(parse_run_id(args.id))
    echo(f"#{run.id} finished {run.finished_at}: {run.done}/{run.total} items done")
    return 0


def _export(args, store) -> int:
    from rbdesk.core.runs.store import parse_run_id, write_export

    out = write_export(store, parse_run_id(args.id), args.output)
    echo(f"wrote {out}")
    return 0


_ACTIONS = {
    "list": _list,
    "start": _start,
    "tick": _tick,
    "show": _show,
    "finish": _finish,
    "export": _export,
}
