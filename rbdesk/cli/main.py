"""Entry point: ``rbdesk [--data-dir DIR] COMMAND ...``; ``main(argv) -> int``.

Each subcommand lives in its own module ``rbdesk.cli.cmd_<name>`` exposing
``HELP`` (one line), ``configure(parser)`` and ``run(args) -> int`` (a module
with ``TAKES_DASHED_WORDS`` reads unknown ``-x`` words itself from
``args._words``: ``rbdesk search journalctl -u kubelet``). A command
line that names its command imports only that module (``rbdesk search`` starts
without the other fifteen); ``--help`` and a mistyped command build the whole
parser. Modules keep heavy imports inside ``run``. With no command, the
desktop app opens.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from rbdesk import __version__

# Order is the order of `rbdesk --help`. A module that does not exist yet is skipped.
COMMANDS = (
    "gui",
    "search",
    "alert",
    "open",
    "show",
    "copy",
    "parse",
    "lint",
    "source",
    "sync",
    "status",
    "changes",
    "diff",
    "runs",
    "print",
    "contacts",
    "doctor",
    "bench",
)


def _command_module(name: str):
    modname = f"rbdesk.cli.cmd_{name}"
    if importlib.util.find_spec(modname) is None:
        return None
    return importlib.import_module(modname)


def command_index(argv: list[str]) -> int | None:
    """Where ``argv`` names its COMMAND (after ``--data-dir DIR``), else None."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--data-dir":
            i += 2
            continue
        if arg.startswith("--data-dir="):
            i += 1
            continue
        return i if arg in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (``only``) one with just that command: a command
    line that names its command imports no other command's module."""
    parser = argparse.ArgumentParser(
        prog="rbdesk",
        description="Runbooks for on-call engineers: synced offline, searched instantly.",
    )
    parser.add_argument("--version", action="version", version=f"rbdesk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="data folder for every command (default: $RBDESK_DATA_DIR or the user data dir)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        mod = _command_module(name)
        if mod is None:
            continue
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.configure(p)
        p.set_defaults(_module=mod)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    at = command_index(argv)
    parser = build_parser(None if at is None else argv[at])
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(getattr(args, "_module", None), "TAKES_DASHED_WORDS", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args._words = argv[at + 1 :] if at is not None else []  # what follows COMMAND
    if args.command is None:
        args = parser.parse_args([*argv, "gui"])
    from rbdesk.core.errors import RbdeskError

    try:
        return int(args._module.run(args) or 0)
    except RbdeskError as exc:
        from rbdesk.cli.common import safe

        print(f"rbdesk: {safe(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("rbdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # refused by the place (read-only data folder, full disk …)
        import os
        from pathlib import Path

        from rbdesk.cli.common import safe
        from rbdesk.core import fsutil, paths

        if exc.filename is None or exc.errno not in fsutil.WRITE_ERRNOS:
            raise
        data = paths.data_dir(getattr(args, "data_dir", None))
        inside = Path(os.path.abspath(exc.filename)).is_relative_to(data)
        hint = fsutil.DATA_DIR_HINT if inside else "check that folder's permissions and space"
        error = RbdeskError(f"{exc.filename}: {exc.strerror or exc}", hint=hint)
        print(f"rbdesk: {safe(error)}", file=sys.stderr)
        return error.exit_code


def entry_point() -> None:
    sys.exit(main())
