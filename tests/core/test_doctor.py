"""rbdesk doctor: each check reports a real problem with a fix."""

from __future__ import annotations

import json
import os
import stat

import pytest

from rbdesk.cli.main import main
from rbdesk.core.facade import Library
from rbdesk.core.usecases import doctor
from tests.core.precedence_fixtures import collided_fixture  # noqa: F401 ("collided")


def by_name(checks):
    return {c.name: c for c in checks}


def test_fresh_data_dir_is_fine_and_mentions_samples(data_dir):
    checks = by_name(doctor.run_checks(Library(data_dir), check_qt=False))
    assert checks["python"].status == doctor.OK
    assert checks["samples"].status == doctor.OK and "bundled sample" in checks["samples"].detail
    assert checks["sources"].status == doctor.OK
    assert "rbdesk source add" in checks["sources"].fix
    assert checks["index samples"].status == doctor.WARN  # not built until the first search


def test_index_reported_built_after_a_search(data_dir):
    lib = Library(data_dir)
    lib.search.search("redis")
    checks = by_name(doctor.run_checks(lib, check_qt=False))
    assert checks["index samples"].status == doctor.OK
    assert "runbooks indexed" in checks["index samples"].detail


def test_missing_git_is_an_error_with_a_fix(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    c = doctor.check_git()
    assert c.status == doctor.FAIL and "install git" in c.fix


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_data_dir(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert doctor.check_data_dir(d).status == doctor.FAIL
    finally:
        d.chmod(0o700)


def test_data_dir_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    c = doctor.check_data_dir(f)
    assert c.status == doctor.FAIL and "not a folder" in c.detail


def test_failed_source_is_reported_with_its_error(data_dir, tmp_path):
    import shutil
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    lib = Library(data_dir)
    lib.sync.add_source("gone", str(repo))
    shutil.rmtree(repo)  # the repository disappears before the first sync
    lib.sync.sync("gone")
    (check,) = [
        c for c in doctor.run_checks(Library(data_dir), check_qt=False) if c.name == "source gone"
    ]
    assert check.status == doctor.FAIL and "never synced" in check.detail
    assert "rbdesk sync gone" in check.fix


def test_qt_check_reports_a_platform(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    c = doctor.check_qt_platform()
    assert c.status == doctor.WARN and "offscreen" in c.detail


def test_qt_check_failure_names_the_fix(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-platform")
    c = doctor.check_qt_platform()
    assert c.status == doctor.FAIL and "apt install" in c.fix


def test_cli_json_and_exit_code(data_dir, capsys):
    assert main(["doctor", "--json", "--no-qt"]) == 0
    checks = json.loads(capsys.readouterr().out)
    assert {"name", "status", "detail", "fix"} <= set(checks[0])
    assert any(c["name"] == "git" for c in checks)


def test_qt_check_without_a_display_says_so_not_libxcb(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    c = doctor.check_qt_platform()
    assert c.status == doctor.WARN and c.detail.startswith("no display")
    assert "apt" not in c.fix and "libxcb" not in c.fix + c.detail


def test_missing_display_only_when_nothing_names_one():
    from rbdesk.core.paths import missing_display

    assert missing_display({}, "linux").startswith("no display")
    assert missing_display({"DISPLAY": ":0"}, "linux") == ""
    assert missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == ""
    assert missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") == ""
    assert missing_display({}, "darwin") == "" and missing_display({}, "win32") == ""


@pytest.mark.parametrize("argv", [[], ["gui"], ["open", "RUN-007"]])
def test_app_without_a_display_is_one_line_and_exit_2(argv, data_dir, monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rbdesk: no display: DISPLAY and WAYLAND")


def test_doctor_lists_alert_and_id_collisions_in_rank_order(collided):
    from tests.core.precedence_fixtures import COMMUNITY_ALERT, COMMUNITY_ID, TEAM_ALERT, TEAM_ID

    checks = by_name(doctor.run_checks(Library(collided), check_qt=False))
    alert = checks["collision alert KubePodCrashLooping"]
    assert alert.status == doctor.WARN
    assert f"team:{TEAM_ALERT}, community:{COMMUNITY_ALERT}; team wins" in alert.detail
    ident = checks["collision id RUN-042"]
    assert f"team:{TEAM_ID}, community:{COMMUNITY_ID}; team wins" in ident.detail
    assert "rbdesk source move" in ident.fix
    assert not [n for n in checks if n.startswith("collision") and "hijack" in n.lower()]


def test_summary_says_all_fine_only_without_warnings():
    ok = doctor.Check("a", doctor.OK, "fine")
    warn = doctor.Check("b", doctor.WARN, "hm", "do x")
    fail = doctor.Check("c", doctor.FAIL, "bad", "do y")
    assert doctor.summary_line([ok, ok]) == "2 checks, all fine"
    assert doctor.summary_line([ok, warn]) == "2 checks, 1 to look at"
    assert doctor.summary_line([fail, warn, ok]) == "3 checks, 1 failed, 1 to look at"
