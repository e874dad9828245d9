"""Helpers shared by CLI commands (kept import-light)."""

from __future__ import annotations

import json
import sys
from typing import Any


def library(args):
    """The Library for this invocation (honours --data-dir)."""
    from rbdesk.core.facade import Library

    return Library(getattr(args, "data_dir", None))


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
