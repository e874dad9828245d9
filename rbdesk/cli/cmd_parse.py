"""rbdesk parse FILE: print what rbdesk reads in one runbook."""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "show what rbdesk reads in a runbook file (title, meta, commands, contacts, ...)"


def configure(p) -> None:
    p.add_argument("file", help="a Markdown runbook")
    p.add_argument("--json", action="store_true", help="print the model as JSON")


def run(args) -> int:
    from pathlib import Path

    from rbdesk.cli.common import print_json
    from rbdesk.core.errors import NotFoundError
    from rbdesk.core.runbook.parser import parse_file

    path = Path(args.file)
    if path.is_dir():
        raise NotFoundError(
            f"{args.file}: is a folder, not a runbook file",
            hint="give one .md file; `rbdesk lint FOLDER` checks a whole folder",
        )
    if not path.is_file():
        raise NotFoundError(f"{args.file}: no such file", hint="give the path of a .md file")
    try:
        rb = parse_file(path, args.file)
    except OSError as exc:
        raise NotFoundError(f"{args.file}: cannot read: {exc.strerror}") from exc
    if args.json:
        print_json(rb.to_dict())
        return 0
    _print_text(rb)
    return 0


def _print_text(rb) -> None:
    meta = ", ".join(f"{k}={v}" for k, v in rb.meta.items())
    echo(f"{rb.title}")
    if meta:
        echo(f"  meta: {meta}")
    echo(
        f"  sections: {len(rb.sections)}  steps: {len(rb.steps)}  commands: "
        f"{len(rb.commands)}  checklist: {len(rb.checklist)}  contacts: {len(rb.contacts)}  "
        f"alerts: {len(rb.alerts)}  links: {len(rb.links)}"
    )
    for i, c in enumerate(rb.commands, 1):
        first = c.clean.split("\n", 1)[0]
        echo(f"  [{i}] {c.kind:<7} line {c.line}: {first[:90]}")
    if rb.placeholders:
        echo(f"  placeholders: {', '.join(rb.placeholders)}")
    for c in rb.contacts:
        bits = [b for b in (c.role, c.phone, c.email, c.chat, c.when) if b]
        echo(f"  contact: {c.name}" + (f" ({'; '.join(bits)})" if bits else ""))
    for a in rb.alerts:
        echo(f"  alert: {a.name}" + (f" → #{a.anchor}" if a.anchor else ""))
    for p in rb.problems:
        echo(f"  {p.format(rb.path)}")
