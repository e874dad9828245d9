"""rbdesk runs: start, tick, show --json, finish, export, list; never imports Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from rbdesk.cli.main import main


def _start(capsys, *extra: str) -> int:
    assert main(["runs", "start", "RUN-007", *extra]) == 0
    out = capsys.readouterr().out
    return int(out.strip())


def test_start_tick_show_finish(data_dir, capsys):
    run_id = _start(capsys, "--kind", "drill", "--name", "DRILL-3", "--initials", "AB")
    assert main(["runs", "tick", str(run_id), "2", "--note", "pooler admin ok"]) == 0
    assert "item 2 done" in capsys.readouterr().out
    assert main(["runs", "tick", str(run_id), "18"]) == 0
    capsys.readouterr()
    assert main(["runs", "show", str(run_id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {"id", "runbook", "kind", "name", "commit", "started_at", "finished_at", "items"} <= set(
        shown
    )
    assert (shown["id"], shown["kind"], shown["name"], shown["finished_at"]) == (
        run_id,
        "drill",
        "DRILL-3",
        None,
    )
    assert shown["runbook"] == "samples:register/RUN-007-orders-db-connection-pool.md"
    assert shown["commit"].startswith("sha256:") and shown["runbook_status"] == "unchanged"
    assert shown["started_at"].endswith("Z")
    items = shown["items"]
    assert {"text", "checked", "at", "by", "note"} <= set(items[0])
    assert [i["number"] for i in items if i["checked"]] == [2, 18]
    assert (
        items[1]["note"] == "pooler admin ok"
        and items[1]["by"] == "AB"
        and items[1]["at"].endswith("Z")
    )
    # page order: RUN-007's four boxes above the procedure, then its Step 1
    assert [i["number"] for i in items] == list(range(1, len(items) + 1))
    assert items[4]["text"] == "Step 1: Confirm the Alert"
    assert main(["runs", "finish", str(run_id)]) == 0
    assert "finished" in capsys.readouterr().out
    assert main(["runs", "tick", str(run_id), "3"]) == 2
    assert "is finished" in capsys.readouterr().err


def test_list_and_json_list(data_dir, capsys):
    assert main(["runs"]) == 0
    assert "no runs yet" in capsys.readouterr().out
    first = _start(capsys, "--name", "INC-1", "--initials", "AB")
    second = _start(capsys, "--name", "INC-2", "--initials", "AB")
    main(["runs", "finish", str(first)])
    capsys.readouterr()
    assert main(["runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"#{second}") and "OPEN" in lines[0] and "INC-2" in lines[0]
    assert lines[1].startswith(f"#{first}") and "finished" in lines[1]
    assert main(["runs", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["finished_at"] is None) for r in listed] == [(second, True), (first, False)]


def test_export_md_and_json(data_dir, capsys, tmp_path):
    run_id = _start(capsys, "--initials", "XY", "--name", "INC-77")
    main(["runs", "tick", str(run_id), "1", "--note", "VPN up"])
    main(["runs", "tick", str(run_id), "1", "--undo"])
    capsys.readouterr()
    assert main(["runs", "export", str(run_id), "-o", str(tmp_path / "run.md")]) == 0
    md = (tmp_path / "run.md").read_text("utf-8")
    assert md.startswith(f"# Run #{run_id}: incident INC-77:")
    timeline = [ln for ln in md.splitlines() if ln.startswith("| 20")]
    assert [row.split(" | ")[2] for row in timeline] == ["started", "checked", "unchecked"]
    assert "VPN up" in timeline[1]
    assert main(["runs", "export", str(run_id), "-o", str(tmp_path / "run.json")]) == 0
    data = json.loads((tmp_path / "run.json").read_text("utf-8"))
    assert [e["action"] for e in data["timeline"]] == ["started", "checked", "unchecked"]
    assert data["items"][0]["checked"] is False and data["items"][0]["note"] == "VPN up"
    assert main(["runs", "export", str(run_id), "-o", str(tmp_path / "run.txt")]) == 2
    assert ".md" in capsys.readouterr().err


def test_user_errors(data_dir, capsys):
    assert main(["runs", "start", "NO-SUCH-999"]) == 1
    assert "no runbook matches" in capsys.readouterr().err
    assert main(["runs", "show", "RUN-007"]) == 2
    assert "not a run id" in capsys.readouterr().err
    assert main(["runs", "show", "42"]) == 1
    assert "no run #42" in capsys.readouterr().err
    run_id = _start(capsys)
    assert main(["runs", "tick", str(run_id), "99"]) == 1
    assert "items are 1..22" in capsys.readouterr().err


def test_initials_from_environment(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("RBDESK_INITIALS", "ZZ")
    run_id = _start(capsys)
    main(["runs", "tick", str(run_id), "1"])
    assert "by ZZ" in capsys.readouterr().out


def test_subprocess_runs_never_imports_qt(data_dir, repo_root, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(repo_root), "RBDESK_DATA_DIR": str(data_dir)}
    code = (
        "import sys\n"
        "from rbdesk.cli.main import main\n"
        "assert main(['runs', 'start', 'alerts/CheckoutHighLatency.md', '--initials', 'AB']) == 0\n"
        "assert main(['runs', 'tick', '1', '1']) == 0\n"
        "assert main(['runs', 'show', '1', '--json']) == 0\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "rbdesk", "runs", "show", "1", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["items"][0]["checked"] is True


def test_run_records_its_alert_and_commands_copied_with_rbdesk_copy(data_dir, capsys, tmp_path):
    from rbdesk.core.settings import load_settings, save_settings

    settings = load_settings(data_dir)
    settings.alert_context = {
        "alert": "OrdersDBPoolSaturated",
        "status": "firing",
        "starts_at": "2026-12-05T01:02:03Z",
        "labels": {"alertname": "OrdersDBPoolSaturated", "cluster": "prod-eu"},
        "runbook": "samples:register/RUN-007-orders-db-connection-pool.md#step-1",
    }
    save_settings(data_dir, settings)
    assert main(["copy", "RUN-007", "1", "--allow-unfilled"]) == 0  # no run yet: nothing noted
    assert "recorded in run" not in capsys.readouterr().err
    run_id = _start(capsys, "--initials", "AB")
    assert main(["copy", "RUN-007", "1", "--allow-unfilled"]) == 0
    copied = capsys.readouterr()
    assert f"rbdesk: note: recorded in run #{run_id}" in copied.err
    assert main(["runs", "export", str(run_id), "-o", str(tmp_path / "pm.json")]) == 0
    data = json.loads((tmp_path / "pm.json").read_text("utf-8"))
    assert data["alert"] == (
        "OrdersDBPoolSaturated (firing since 2026-12-05T01:02:03Z; cluster=prod-eu)"
    )
    assert [(e["action"], e["command"]) for e in data["timeline"]] == [
        ("started", ""),
        ("copied", copied.out),
    ]
    assert main(["runs", "finish", str(run_id)]) == 0
    assert main(["copy", "RUN-007", "1", "--allow-unfilled"]) == 0
    assert "recorded in run" not in capsys.readouterr().err  # finished: not its timeline
