"""Helpers shared by CLI commands (kept import-light)."""

from __future__ import annotations

import json
import sys
from typing import Any


def library(args):
    """The Library for this invocation (honours --data-dir)."""
    from rbdesk.core.facade import Library

    return Library(getattr(args, "data_dir", None))


def require_qt(what: str = "the desktop app") -> None:
    """A one-line error when Qt (the ``gui`` extra) is not installed."""
    import importlib.util

    from rbdesk.core.errors import RbdeskError

    if importlib.util.find_spec("PySide6") is None:
        raise RbdeskError(
            f"{what} needs Qt (PySide6), which this installation does not have",
            hint="pip install 'rbdesk[gui]' (from a checkout: pip install '.[gui]'); "
            "`rbdesk lint`, `search`, `show` and `copy` work without it",
        )


def use_color(choice: str) -> bool:
    """--color always / never / auto (auto: colour only on a terminal)."""
    return choice == "always" or (choice == "auto" and sys.stdout.isatty())


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def safe(text: object) -> str:
    """text made harmless for a terminal: escapes shown as ``␛``, other control,
    bidi and invisible characters as ``⟦U+XXXX⟧`` (the rule of ``rbdesk show``)."""
    from rbdesk.core.runbook.safety import terminal_safe

    return terminal_safe(str(text))


def echo(*parts: object, sep: str = " ", end: str = "\n", file: Any = None) -> None:
    """print() for any line holding runbook or user text: always through safe()."""
    print(safe(sep.join(str(p) for p in parts)), end=end, file=file or sys.stdout)


def resolve(lib, ref: str, docs_prefixes: dict[str, str] | None = None):
    """REF → Resolved through the one resolver (``core/usecases/refs.py``) with the user's
    docs prefixes; what it says besides the runbook (a fallback, the other sources that
    also hold one: "also in: community (x.md)") goes to stderr, one line each."""
    from rbdesk.core.usecases.refs import resolve_ref

    if docs_prefixes is None:
        from rbdesk.core.settings import load_settings

        docs_prefixes = load_settings(lib.data_dir).docs_prefixes
    res = resolve_ref(lib, ref, docs_prefixes=docs_prefixes)
    for note in res.notes():
        echo(f"rbdesk: {note}", file=sys.stderr)
    return res
