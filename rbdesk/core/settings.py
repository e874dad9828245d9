"""App settings and incident variables, kept as one JSON file in the data dir.

Written atomically (temporary file, fsync, ``os.replace``) so a crash never
leaves half a file. A file that cannot be read is moved aside (never
deleted) and defaults are used, with the reason kept in ``load_error``.
Window geometry is not here: the GUI keeps it in QSettings.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from rbdesk.core.runbook.copyrules import valid_variable_name

SETTINGS_FILE = "settings.json"
MAX_RECENT = 15
THEMES = ("system", "light", "dark")
MAX_INITIALS = 12


@dataclass(slots=True)
class Settings:
    """Everything the app remembers between runs except window geometry."""

    variables: dict[str, str] = field(default_factory=dict)  # incident variables
    recent: list[str] = field(default_factory=list)  # "source:relpath"
    theme: str = "system"
    zoom: int = 0  # font steps relative to the default
    periodic_sync_minutes: int = 0  # 0 = off
    stale_after_hours: int = 24  # a sync older than this shows amber
    checked: dict[str, list[int]] = field(default_factory=dict)  # "source:relpath" -> boxes
    docs_prefixes: dict[str, str] = field(default_factory=dict)  # source -> docs URL prefix
    initials: str = ""  # who ticks checklist runs ("AB"); see runs.default_initials
    # The alert whose labels filled incident variables (see usecases/alert_runbook.py).
    alert_context: dict[str, Any] = field(default_factory=dict)
    load_error: str = ""  # why the file on disk was not used (not saved)

    # -- incident variables --------------------------------------------------
    def set_variable(self, name: str, value: str) -> None:
        if not valid_variable_name(name):
            raise ValueError(
                f"invalid variable name {name!r}: use letters, digits, '_', '-' or '.', "
                "starting with a letter or '_'"
            )
        self.variables[name] = value

    def clear_variables(self) -> None:
        self.variables.clear()
        self.alert_context = {}

    # -- recent runbooks ---------------------------------------------------------
    def add_recent(self, key: str) -> None:
        self.recent = [key, *[r for r in self.recent if r != key]][:MAX_RECENT]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("load_error", None)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        s = cls()
        known = {f.name for f in fields(cls)} - {"load_error"}
        for key, value in data.items():
            if key not in known:
                continue
            default = getattr(s, key)
            if isinstance(default, bool) or not isinstance(value, type(default)):
                continue  # wrong type: keep the default rather than crash later
            setattr(s, key, value)
        s.variables = {
            str(k): str(v) for k, v in s.variables.items() if valid_variable_name(str(k))
        }
        s.recent = [str(r) for r in s.recent][:MAX_RECENT]
        if s.theme not in THEMES:
            s.theme = "system"
        s.zoom = max(-8, min(20, s.zoom))
        s.periodic_sync_minutes = max(0, s.periodic_sync_minutes)
        s.initials = clean_initials(s.initials)
        return s


def clean_initials(text: str) -> str:
    """Initials as stored: surrounding space removed, inner runs of space made one, capped."""
    return " ".join(str(text).split())[:MAX_INITIALS]


def settings_path(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / SETTINGS_FILE


def load_settings(data_dir: str | os.PathLike[str]) -> Settings:
    """The saved settings, or defaults (a broken file is moved aside, not lost)."""
    path = settings_path(data_dir)
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        s = Settings()
        s.load_error = f"{path}: cannot read ({exc.strerror}); using defaults"
        return s
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("top level is not an object")
    except ValueError as exc:
        aside = path.with_name(f"{path.name}.broken")
        os.replace(path, aside)
        s = Settings()
        s.load_error = f"{path}: not valid settings JSON ({exc}); kept it as {aside.name}"
        return s
    return Settings.from_dict(data)


def save_settings(data_dir: str | os.PathLike[str], settings: Settings) -> Path:
    """Write settings atomically; returns the file written."""
    path = settings_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(settings.to_dict(), indent=2, ensure_ascii=False, sort_keys=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


ENV_INITIALS = "RBDESK_INITIALS"


def default_initials(data_dir: str | os.PathLike[str] | None = None) -> str:
    """Initials when none are given: $RBDESK_INITIALS, else the settings' ``initials``."""
    env = os.environ.get(ENV_INITIALS, "").strip()
    if env or data_dir is None:
        return env
    return load_settings(data_dir).initials
