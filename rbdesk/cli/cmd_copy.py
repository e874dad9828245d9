"""rbdesk copy REF N: print command N of a runbook, clean and filled, for a terminal."""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "print command N of a runbook with the app's copy rules (no trailing newline in pipes)"
EXIT_UNFILLED = 3  # placeholders left unfilled (and no --allow-unfilled), or a value refused


def configure(p) -> None:
    p.add_argument("ref", help="path, id, alert name or URL of the runbook")
    p.add_argument("n", type=int, help="command number as `rbdesk show` prints it (from 1)")
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fill <NAME>, [NAME], ${NAME} and {{NAME}} (repeatable)",
    )
    p.add_argument(
        "--allow-unfilled",
        action="store_true",
        help="print the command even when placeholders are not filled (they stay as <NAME>)",
    )
    p.add_argument(
        "--no-saved-vars",
        action="store_true",
        help="ignore the incident variables saved by the app",
    )


def parse_vars(items: list[str]) -> dict[str, str]:
    from rbdesk.core.errors import RbdeskError
    from rbdesk.core.runbook.copyrules import valid_variable_name

    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not valid_variable_name(name):
            raise RbdeskError(
                f"--var {item!r}: expected NAME=VALUE",
                hint="e.g. --var HOST=web-1 --var NAMESPACE=payments",
            )
        out[name] = value
    return out


def run(args) -> int:
    import sys

    from rbdesk.cli.common import library, resolve
    from rbdesk.core.errors import NotFoundError
    from rbdesk.core.settings import load_settings

    lib = library(args)
    settings = load_settings(lib.data_dir)
    cli_vars = parse_vars(args.var)
    variables = {} if args.no_saved_vars else dict(settings.variables)
    variables.update(cli_vars)
    res = resolve(lib, args.ref, settings.docs_prefixes)
    from rbdesk.core.render.reader import code_blocks  # Markdown rendering: only for a hit
    from rbdesk.core.runbook.copyrules import prepare_copy

    blocks = code_blocks(lib.load(res.file))
    if not 1 <= args.n <= len(blocks):
        raise NotFoundError(
            f"{res.label()} has {len(blocks)} command(s); there is no command {args.n}",
            hint=f"run `rbdesk show {args.ref}` to see them numbered",
        )
    block = blocks[args.n - 1]
    result = prepare_copy(block.clean, variables, block.placeholders)
    if result.refused:
        # A value that cannot be literal where it stands (a newline in a comment, code
        # in $((…))): never printed as a command, not even with --allow-unfilled.
        for line in result.refused:
            echo(f"rbdesk: {line}", file=sys.stderr)
        echo(
            f"  hint: command {args.n} of {res.label()} was not printed; give another value "
            "(--var NAME=VALUE) or change it in the app's Variables panel",
            file=sys.stderr,
        )
        return EXIT_UNFILLED
    if result.unfilled and not args.allow_unfilled:
        # A line like `redis-cli -h <redis-host>` runs in bash as a redirect: refuse.
        names = ", ".join(result.unfilled)
        example = " ".join(f"--var {n}=VALUE" for n in result.unfilled[:3])
        echo(
            f"rbdesk: command {args.n} of {res.label()} has unfilled placeholders: {names}\n"
            f"  hint: fill them ({example}) or set them in the app's Variables panel; "
            "--allow-unfilled prints the command as written",
            file=sys.stderr,
        )
        return EXIT_UNFILLED
    for line in result.warnings():
        echo(f"rbdesk: warning: {line}", file=sys.stderr)
    saved = [n for n in result.filled if n not in cli_vars]
    if saved:
        from rbdesk.core.usecases.alert_runbook import variables_from_alert

        by_alert = variables_from_alert(settings)
        alert = settings.alert_context.get("alert", "")
        tail = f" (from alert {alert})" if alert and any(n in by_alert for n in saved) else ""
        echo(
            f"rbdesk: note: filled from saved incident variables: {', '.join(saved)}{tail}",
            file=sys.stderr,
        )
    sys.stdout.write(result.text)
    if sys.stdout.isatty():
        sys.stdout.write("\n")
    sys.stdout.flush()
    _record_in_open_run(lib.data_dir, res.file, result.text)
    return 0


def _record_in_open_run(data_dir, file, text: str) -> None:
    """An open run of this runbook records the copied command (its postmortem timeline)."""
    import sys

    from rbdesk.core.errors import RbdeskError
    from rbdesk.core.runs.store import record_copy_in_open_run

    try:
        run_id = record_copy_in_open_run(data_dir, file.source, file.relpath, text)
    except (RbdeskError, OSError) as exc:
        # The command is already on stdout: a run that cannot record it (read-only
        # data folder, full disk) is a note, never a failed copy.
        echo(f"rbdesk: note: the copy was not recorded in the open run ({exc})", file=sys.stderr)
        return
    if run_id is not None:
        echo(f"rbdesk: note: recorded in run #{run_id}", file=sys.stderr)
