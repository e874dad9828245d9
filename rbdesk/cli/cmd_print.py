"""rbdesk print: a runbook, its drill sheet or its contacts as a PDF.

    rbdesk print REF -o FILE.pdf                 the runbook as a document
    rbdesk print REF --checklist -o FILE.pdf     drill sheet (checklist + steps table)
    rbdesk print REF --contacts -o FILE.pdf      contacts sheet
    rbdesk print --tag TAG -o FILE.pdf           drill pack: a drill sheet per tagged runbook

Qt (QPdfWriter) is imported only inside ``run``; without a display Qt runs
offscreen.
"""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "print a runbook, its drill sheet or contacts (or a drill pack by tag) to PDF"


def configure(p) -> None:
    p.add_argument("ref", metavar="REF", nargs="?", help="runbook path, id like RUN-007, or alert")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--checklist", action="store_true", help="drill sheet instead of the text")
    what.add_argument("--contacts", action="store_true", help="contacts sheet")
    what.add_argument("--tag", metavar="TAG", help="drill pack of every runbook with this tag")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="PDF to write")


def run(args) -> int:
    import datetime as _dt
    import os

    from rbdesk.cli.common import library
    from rbdesk.core.errors import RbdeskError
    from rbdesk.core.render import printdoc as printing

    if not str(args.output).lower().endswith(".pdf"):
        raise RbdeskError(f"{args.output}: rbdesk prints PDF only", hint="name the file *.pdf")
    if bool(args.ref) == bool(args.tag):
        raise RbdeskError(
            "give either a REF or --tag TAG",
            hint="e.g. `rbdesk print RUN-007 -o run.pdf` or `rbdesk print --tag drill -o pack.pdf`",
        )
    lib = library(args)
    today = _dt.date.today()
    if args.tag:
        parts = printing.drill_pack_parts(args.tag, _tagged(lib, args.tag), today)
        label = f"drill pack '{args.tag}'"
    else:
        rb, origin = _one(lib, args.ref)
        kind = "checklist" if args.checklist else "contacts" if args.contacts else "runbook"
        parts = printing.print_parts(kind, rb, origin, today)
        label = f"{kind} of {rb.title}"
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from rbdesk.cli.common import require_qt

    require_qt("printing")
    from rbdesk.ui.printing import write_pdf

    try:
        pages = write_pdf(parts, args.output)
    except OSError as exc:
        raise RbdeskError(f"{args.output}: cannot write the PDF: {exc}") from exc
    echo(f"wrote {args.output}: {label}, {pages} page{'s' if pages != 1 else ''}")
    return 0


def _one(lib, ref: str):
    from rbdesk.cli.common import resolve
    from rbdesk.core.library.origin import origin_for
    from rbdesk.core.usecases.printrefs import root_of

    file = resolve(lib, ref).file
    return lib.load(file), origin_for(root_of(lib, file), file)


def _tagged(lib, tag: str):
    from rbdesk.core.errors import NotFoundError
    from rbdesk.core.library.origin import origin_for
    from rbdesk.core.usecases.printrefs import all_tags, files_with_tag, root_of

    files = files_with_tag(lib, tag)
    if not files:
        known = ", ".join(all_tags(lib)) or "none"
        raise NotFoundError(f"no runbook is tagged {tag!r}", hint=f"tags in use: {known}")
    return [(lib.load(f), origin_for(root_of(lib, f), f)) for f in files]
