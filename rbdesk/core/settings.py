"""App settings and incident variables, kept as one JSON file in the data dir.

Written atomically (temporary file, fsync, ``os.replace``) so a crash never
leaves half a file. A file that cannot be read is moved aside (never
deleted) and defaults are used, with the reason kept in ``load_error``.
Window geometry is not here: the GUI keeps it in QSettings.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from rbdesk.core import fsutil
from rbdesk.core.dataload import load_json
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
    def from_dict(cls, data: dict[str, Any], problems: list[str] | None = None) -> Settings:
        """Settings from parsed JSON; each unusable field keeps its default and, when
        ``problems`` is given, is named there."""
        s = cls()
        bad = problems if problems is not None else []
        known = {f.name for f in fields(cls)} - {"load_error"}
        for key, value in data.items():
            if key not in known:
                continue
            default = getattr(s, key)
            if isinstance(value, bool) or not isinstance(value, type(default)):
                bad.append(f"{key} must be {_TYPE_WORDS.get(type(default), 'valid')}")
                continue  # wrong type: keep the default rather than crash later
            setattr(s, key, value)
        variables = {
            k: v
            for k, v in s.variables.items()
            if isinstance(k, str) and isinstance(v, str) and valid_variable_name(k)
        }
        if len(variables) != len(s.variables):
            bad.append("variables must map valid names to text")
        s.variables = variables
        if not all(isinstance(r, str) for r in s.recent):
            bad.append("recent must be a list of text")
        s.recent = [r for r in s.recent if isinstance(r, str)][:MAX_RECENT]
        checked = {
            k: [i for i in v if isinstance(i, int) and not isinstance(i, bool)]
            for k, v in s.checked.items()
            if isinstance(k, str) and isinstance(v, list)
        }
        if checked != s.checked:
            bad.append("checked must map runbooks to lists of numbers")
        s.checked = checked
        prefixes = {
            k: v for k, v in s.docs_prefixes.items() if isinstance(k, str) and isinstance(v, str)
        }
        if len(prefixes) != len(s.docs_prefixes):
            bad.append("docs_prefixes must map source names to text")
        s.docs_prefixes = prefixes
        if s.theme not in THEMES:
            bad.append(f"theme must be one of {', '.join(THEMES)}")
            s.theme = "system"
        s.zoom = max(-8, min(20, s.zoom))
        s.periodic_sync_minutes = max(0, s.periodic_sync_minutes)
        s.initials = clean_initials(s.initials)
        return s


_TYPE_WORDS = {dict: "an object", list: "a list", str: "text", int: "a whole number"}


def clean_initials(text: str) -> str:
    """Initials as stored: surrounding space removed, inner runs of space made one, capped."""
    return " ".join(str(text).split())[:MAX_INITIALS]


def settings_path(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / SETTINGS_FILE


def load_settings(data_dir: str | os.PathLike[str]) -> Settings:
    """The saved settings, or defaults (a broken file is moved aside, not lost).

    Every field is type-checked (a wrong type keeps that field's default); a
    file that is not UTF-8 JSON object text is renamed ``settings.json.corrupt-<time>``.
    """
    path = settings_path(data_dir)
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        s = Settings()
        s.load_error = f"{path}: cannot read ({exc.strerror}); using defaults"
        return s
    try:
        data = load_json(raw_bytes.decode("utf-8"))  # depth-capped (DataError: a ValueError)
        if not isinstance(data, dict):
            raise ValueError("top level is not an object")
    except ValueError as exc:  # includes UnicodeDecodeError
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)
        aside = fsutil.corrupt_copy_name(path, _stamp())
        try:
            os.replace(path, aside)
            kept = f"kept it as {aside.name}"
        except OSError:
            kept = "could not move it aside"
        s = Settings()
        s.load_error = f"{path}: not valid settings JSON ({reason}); {kept}; using default settings"
        return s
    problems: list[str] = []
    s = Settings.from_dict(data, problems)
    if problems:
        aside = fsutil.keep_corrupt_copy(path)
        kept = f"; kept the file as {aside.name}" if aside else ""
        s.load_error = (
            f"{path}: {'; '.join(problems)} — using the defaults for those{kept}; "
            "fix them in Settings"
        )
    return s


def _stamp() -> str:
    import time

    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def save_settings(data_dir: str | os.PathLike[str], settings: Settings) -> Path:
    """Write settings atomically; returns the file written (RbdeskError when it cannot)."""
    path = settings_path(data_dir)
    payload = json.dumps(settings.to_dict(), indent=2, ensure_ascii=False, sort_keys=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fsutil.atomic_write_text(path, payload + "\n")
    except OSError as exc:  # a read-only data folder: one line, what and where
        raise fsutil.output_error(path, exc, "settings", fsutil.DATA_DIR_HINT) from None
    return path


ENV_INITIALS = "RBDESK_INITIALS"


def default_initials(data_dir: str | os.PathLike[str] | None = None) -> str:
    """Initials when none are given: $RBDESK_INITIALS, else the settings' ``initials``."""
    env = os.environ.get(ENV_INITIALS, "").strip()
    if env or data_dir is None:
        return env
    return load_settings(data_dir).initials
