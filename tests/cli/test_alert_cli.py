"""`rbdesk alert NAME`: exact or case/format-insensitive, else exit 1 with nearest names."""

from __future__ import annotations

import json

import pytest

from rbdesk.cli.main import main


def _some_alert(data_dir):
    from rbdesk.core.facade import Library

    entries = Library(data_dir).search.alert_names()
    if not entries:
        pytest.skip("the sample runbooks declare no alerts")
    _root, name, _section, _anchor, info = entries[0]
    return name, info["path"]


def test_alert_found_any_case(data_dir, capsys):
    name, path = _some_alert(data_dir)
    for variant in (name, name.lower(), name.upper()):
        assert main(["alert", variant, "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["found"] and path in [h["path"] for h in out["hits"]]
    assert main(["alert", name]) == 0
    assert path in capsys.readouterr().out


def test_alert_not_found_lists_nearest(data_dir, capsys):
    name, _ = _some_alert(data_dir)
    assert main(["alert", name[:-2] + "zz"]) == 1
    err = capsys.readouterr().err
    assert "no runbook for alert" in err and name in err
    assert main(["alert", "CompletelyUnknownThing", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["found"] is False
