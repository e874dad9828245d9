"""Settings: atomic JSON in the data dir, broken files moved aside, never lost."""

from __future__ import annotations

import json

import pytest

from rbdesk.core.settings import MAX_RECENT, Settings, load_settings, save_settings, settings_path


def test_round_trip(tmp_path):
    s = Settings()
    s.set_variable("HOST", "web-1")
    s.add_recent("ops:a.md")
    s.theme = "dark"
    save_settings(tmp_path, s)
    again = load_settings(tmp_path)
    assert again.variables == {"HOST": "web-1"}
    assert again.recent == ["ops:a.md"]
    assert again.theme == "dark"
    assert not list(tmp_path.glob(".settings-*"))  # no temp file left behind


def test_missing_file_gives_defaults(tmp_path):
    s = load_settings(tmp_path)
    assert s.variables == {} and s.load_error == ""


def test_broken_file_moved_aside_with_reason(tmp_path):
    settings_path(tmp_path).write_text("{not json", "utf-8")
    s = load_settings(tmp_path)
    assert "not valid settings JSON" in s.load_error
    kept = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text("utf-8") == "{not json"


def test_wrong_types_and_bad_names_ignored(tmp_path):
    settings_path(tmp_path).write_text(
        json.dumps(
            {
                "variables": {"OK": "1", "bad name": "2"},
                "zoom": "big",
                "theme": "neon",
                "recent": ["a"] * 40,
            }
        ),
        "utf-8",
    )
    s = load_settings(tmp_path)
    assert s.variables == {"OK": "1"}
    assert s.zoom == 0 and s.theme == "system"
    assert len(s.recent) == MAX_RECENT


def test_recent_moves_to_front_without_duplicates():
    s = Settings()
    for k in ("a", "b", "a"):
        s.add_recent(k)
    assert s.recent == ["a", "b"]


def test_invalid_variable_name_rejected():
    with pytest.raises(ValueError, match="invalid variable name"):
        Settings().set_variable("two words", "x")


def test_initials_saved_cleaned_and_used_by_runs(tmp_path, monkeypatch):
    from rbdesk.core.settings import ENV_INITIALS, default_initials

    monkeypatch.delenv(ENV_INITIALS, raising=False)
    assert default_initials(tmp_path) == ""
    s = Settings()
    s.initials = "  A   B  "
    save_settings(tmp_path, s)
    assert load_settings(tmp_path).initials == "A B"
    assert default_initials(tmp_path) == "A B"
    monkeypatch.setenv(ENV_INITIALS, "XY")
    assert default_initials(tmp_path) == "XY"  # the environment wins


def test_initials_capped_and_wrong_type_ignored(tmp_path):
    settings_path(tmp_path).write_text(json.dumps({"initials": "x" * 50}), "utf-8")
    assert len(load_settings(tmp_path).initials) == 12
    settings_path(tmp_path).write_text(json.dumps({"initials": 7}), "utf-8")
    assert load_settings(tmp_path).initials == ""
