"""Where rbdesk keeps its data, and where the bundled files are.

Data dir: ``--data-dir`` > ``$RBDESK_DATA_DIR`` > platformdirs' user data dir.
Bundled files (sample-runbooks, resources) live inside the installed package
(wheel) or at the repository root (source checkout / editable install).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_DATA_DIR = "RBDESK_DATA_DIR"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder every command works on (created on demand by writers)."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("rbdesk", appauthor=False))


def _bundled(name: str) -> Path:
    inside = _PACKAGE_DIR / name  # installed wheel
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent / name  # source checkout


def samples_dir() -> Path:
    """The bundled sample library (the default library on first start)."""
    return _bundled("sample-runbooks")


def resources_dir() -> Path:
    """Icons and stylesheets."""
    return _bundled("resources")


def missing_display(environ: dict[str, str] | None = None, platform: str | None = None) -> str:
    """Why the desktop app cannot show a window here ("" when it can, as far as we know).

    On X11/Wayland systems with neither DISPLAY nor WAYLAND_DISPLAY (and no
    QT_QPA_PLATFORM chosen), Qt aborts with "Reinstalling the application may fix
    this problem" (exit 134); checked before Qt starts so the user gets one line.
    """
    import sys

    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin", "cygwin")) or env.get("QT_QPA_PLATFORM"):
        return ""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return ""
    return "no display: DISPLAY and WAYLAND_DISPLAY are not set"


# -- the Python processes rbdesk starts --------------------------------------------

CHILD_CWD = os.path.abspath(os.sep)  # a fixed folder: never the caller's


def child_python(*args: str) -> list[str]:
    """argv of a Python process rbdesk starts (search server, probes):
    ``python -P …`` never puts the current folder on ``sys.path``, so a planted
    ``rbdesk/`` (or ``PySide6/``) package in it cannot run (CWE-427).

    Not ``-I``: it also drops ``PYTHONPATH`` and the user's site folder, so a
    ``pip install --user`` rbdesk, or one run from its source tree, would not
    find its own code or its dependencies. :func:`child_env` instead puts this
    package's own folder first on ``PYTHONPATH`` (absolute entries only), and
    the child runs in :data:`CHILD_CWD`.
    """
    if getattr(sys, "frozen", False):
        # A PyInstaller app: sys.executable is rbdesk itself (packaging/rbdesk_entry.py
        # runs -m/-c), whose sys.path is the bundle's only: no flag is needed or known.
        return [sys.executable, *args]
    return [sys.executable, "-P", *args]


def child_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for :func:`child_python`: the child imports exactly the
    code of its parent; relative ``PYTHONPATH`` entries (``.``, ``""``) dropped."""
    env = dict(os.environ if base is None else base)
    entries = [str(_PACKAGE_DIR.parent)]
    for p in env.get("PYTHONPATH", "").split(os.pathsep):
        if p and os.path.isabs(p) and p not in entries:
            entries.append(p)
    env["PYTHONPATH"] = os.pathsep.join(entries)
    return env
