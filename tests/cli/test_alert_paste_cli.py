"""`rbdesk alert -` (a pasted alert on stdin), `--json`, `--use` then `rbdesk copy`."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from rbdesk.cli.main import main
from tests.core.alertfixtures import HUGO_FILES, synced_library
from tests.core.test_alert_paste import SLACK, am_alert, webhook

CRASH = "content/runbooks/kubernetes/KubePodCrashLooping.md"
SITE = "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping"


@pytest.fixture()
def lib(data_dir, tmp_path):
    files = dict(HUGO_FILES)
    return synced_library(data_dir, tmp_path, {"po": files})


def feed(monkeypatch, text: str | bytes) -> None:
    data = text.encode() if isinstance(text, str) else text
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def payload(*pods: str) -> str:
    return webhook(*(am_alert(p) for p in pods)).replace(
        "runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping", SITE.split("//", 1)[1]
    )


def test_alert_dash_json_contract(lib, monkeypatch, capsys):
    feed(monkeypatch, payload("api-7d9f-x2"))
    assert main(["alert", "-", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "alert": "KubePodCrashLooping",
        "labels": am_alert("api-7d9f-x2")["labels"],
        "annotations": {**am_alert("api-7d9f-x2")["annotations"], "runbook_url": SITE},
        "runbook": {
            "source": "po",
            "path": CRASH,
            "anchor": "",
            "how": "url",
            "fallback": "",
            "also": [],
        },
        "variables": {
            "NAMESPACE": "payments",
            "POD": "api-7d9f-x2",
            "CONTAINER": "api",
        },
    }


def test_several_alerts_take_the_first_and_say_so(lib, monkeypatch, capsys):
    feed(monkeypatch, SLACK)
    assert main(["alert", "-"]) == 0
    cap = capsys.readouterr()
    assert "the paste holds 2 alerts; using the first" in cap.err
    assert f"runbook: po:{CRASH}" in cap.out
    assert "POD=api-7d9f-x2" in cap.out and "worker" not in cap.out.split("runbook:")[1]


def test_use_then_copy_fills_the_labels(lib, data_dir, monkeypatch, capsys):
    feed(monkeypatch, payload("api-7d9f-x2"))
    assert main(["alert", "-", "--use"]) == 0
    err = capsys.readouterr().err
    assert "incident variables set from the alert: " in err
    assert set(err.split("from the alert: ", 1)[1].strip().split(", ")) == {
        "NAMESPACE",
        "POD",
        "CONTAINER",
    }
    saved = json.loads((data_dir / "settings.json").read_text())
    assert saved["variables"]["POD"] == "api-7d9f-x2"
    assert saved["alert_context"]["alert"] == "KubePodCrashLooping"
    assert main(["copy", f"po:{CRASH}", "1"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "kubectl -n payments logs api-7d9f-x2 -c api --previous"
    assert "filled from saved incident variables" in cap.err
    assert "from alert KubePodCrashLooping" in cap.err
    assert main(["copy", f"po:{CRASH}", "2"]) == 0
    assert capsys.readouterr().out == (
        "kubectl -n payments get events --field-selector involvedObject.name=api-7d9f-x2"
    )


def test_unknown_alert_exits_1_with_nearest(lib, monkeypatch, capsys):
    feed(
        monkeypatch,
        json.dumps({"version": "4", "alerts": [{"labels": {"alertname": "KubePodCrashLoopin"}}]}),
    )
    assert main(["alert", "-", "--use"]) == 1
    err = capsys.readouterr().err
    assert "no runbook for alert 'KubePodCrashLoopin'" in err and CRASH in err
    assert "nothing stored" in err


def test_hidden_characters_in_labels_are_escaped_and_flagged(lib, monkeypatch, capsys):
    feed(monkeypatch, payload("api\x1b[31m-1\u202e"))
    assert main(["alert", "-"]) == 0
    cap = capsys.readouterr()
    assert "\x1b" not in cap.out and "\u202e" not in cap.out
    assert "POD=api␛[31m-1⟦U+202E⟧" in cap.out
    assert "warning: label pod holds hidden characters" in cap.err


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "invalid JSON at line 1 column 2"),
        (b"x" * (10 * 1024 * 1024), "paste too large"),
        (b"hello\nworld\n", "not an alert"),
        (b'{"alerts": "nope"}', "not an alert"),
        (b"\xff\xfe\x00\x00garbage", "NUL"),
    ],
)
def test_garbage_exits_2_with_one_line_no_traceback(data_dir, data, reason):
    proc = subprocess.run(
        [sys.executable, "-m", "rbdesk", "alert", "-"],
        input=data,
        capture_output=True,
        timeout=60,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert reason in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_use_needs_a_paste(data_dir, capsys):
    assert main(["alert", "KubePodCrashLooping", "--use"]) == 2
    assert "--use needs a pasted alert" in capsys.readouterr().err


def test_source_add_docs_url_flag(data_dir, tmp_path, capsys):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n")
    assert main(["source", "add", "ops", str(folder), "--docs-url", "ftp://x"]) == 2
    assert "refused docs URL" in capsys.readouterr().err
    assert main(["source", "add", "ops", str(folder), "--docs-url", "https://d.example/x"]) == 0
    assert "docs https://d.example/x/" in capsys.readouterr().out
    assert main(["source", "list"]) == 0
    assert "docs_url=https://d.example/x/" in capsys.readouterr().out
