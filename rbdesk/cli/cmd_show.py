"""rbdesk show REF: print a runbook readably in the terminal, commands numbered."""

from __future__ import annotations

from rbdesk.cli.common import echo, safe

HELP = "print a runbook in the terminal with numbered commands (for `rbdesk copy REF N`)"


def configure(p) -> None:
    p.add_argument("ref", help="path, id, alert name or URL of the runbook")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def run(args) -> int:
    import contextlib
    import sys

    from rbdesk.cli.common import library, resolve
    from rbdesk.core.render.terminal import render_terminal

    lib = library(args)
    res = resolve(lib, args.ref)
    rb = lib.load(res.file)
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    sys.stdout.write(f"{safe(res.label())}\n\n" + render_terminal(rb, safe(args.ref), color))
    # The runbook first (a pipe buffers stdout, stderr is unbuffered): problems are
    # advice about the file, printed after it and on stderr only.
    with contextlib.suppress(BrokenPipeError):  # `rbdesk show REF | head` closed the pipe
        sys.stdout.flush()
    if rb.problems:
        echo(f"rbdesk: {len(rb.problems)} lint problem(s) in {res.label()}:", file=sys.stderr)
    for p in rb.problems:
        echo(f"  lint: {p.format(res.relpath)}", file=sys.stderr)
    return 0
