"""Where rbdesk keeps its data, and where the bundled files are.

Data dir: ``--data-dir`` > ``$RBDESK_DATA_DIR`` > platformdirs' user data dir.
Bundled files (sample-runbooks, resources) live inside the installed package
(wheel) or at the repository root (source checkout / editable install).
"""

from __future__ import annotations

import os
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
