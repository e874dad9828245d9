"""rbdesk show REF: print a runbook readably in the terminal, commands numbered."""

from __future__ import annotations

from rbdesk.cli.common import echo, safe

HELP = "print a runbook in the terminal with numbered commands (for `rbdesk copy REF N`)"


def configure(p) -> None:
    p.add_argument("ref", help="path, id, alert name or URL of the runbook")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument(
        "--lint",
        action="store_true",
        help="list the runbook's lint problems after it (else one line counts them)",
    )


def run(args) -> int:
    import contextlib
    import sys

    from rbdesk.cli.common import library, resolve, use_color
    from rbdesk.core.render.terminal import render_terminal

    lib = library(args)
    res = resolve(lib, args.ref)
    rb = lib.load(res.file)
    color = use_color(args.color)
    sys.stdout.write(f"{safe(res.label())}\n\n" + render_terminal(rb, safe(args.ref), color))
    # The runbook first (a pipe buffers stdout, stderr is unbuffered): problems are
    # advice about the file, printed after it and on stderr only.
    with contextlib.suppress(BrokenPipeError):  # `rbdesk show REF | head` closed the pipe
        sys.stdout.flush()
    if args.lint:
        for p in rb.problems:
            echo(f"lint: {p.format(res.relpath)}", file=sys.stderr)
    elif rb.problems:
        echo(lint_hint(len(rb.problems), args.ref), file=sys.stderr)
    return 0


def lint_hint(count: int, ref: str) -> str:
    """One short stderr line after the runbook: how many problems, how to list them
    (the list itself would push the procedure off an 80x24 terminal)."""
    import shlex

    noun = "problem" if count == 1 else "problems"
    line = f"rbdesk: {count} lint {noun}: rbdesk show --lint {shlex.quote(ref)}"
    return line if len(line) <= 80 else f"rbdesk: {count} lint {noun} (show --lint lists them)"
