"""`rbdesk copy` and `rbdesk alert - --use` with values that hold shell code."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from rbdesk.cli.main import main
from tests.cli.test_alert_paste_cli import feed, lib, payload  # noqa: F401 - fixtures

RUNBOOK = """# Pods

```bash
kubectl -n "$NAMESPACE" get pods
```

```bash
kubectl get pods  # namespace <NAMESPACE>
```
"""


@pytest.fixture()
def rbfile(tmp_path, data_dir, monkeypatch):
    root = tmp_path / "lib"
    root.mkdir()
    p = root / "pods.md"
    p.write_text(RUNBOOK, "utf-8")
    monkeypatch.setattr("rbdesk.core.paths.samples_dir", lambda: root)
    return p


def test_issue_value_in_double_quotes_stays_data(rbfile, tmp_path, capsys):
    marker = tmp_path / "x"
    value = f"$(id>{marker})"
    assert main(["copy", "pods.md", "1", "--var", f"NAMESPACE={value}"]) == 0
    cap = capsys.readouterr()
    assert cap.out == f'kubectl -n ""\'{value}\'"" get pods'
    assert "rbdesk: warning: value of NAMESPACE contains `$(`, `>`" in cap.err
    if shutil.which("bash"):  # the copied line, run: the value is one literal argument
        run = subprocess.run(
            ["bash", "-c", cap.out.replace("kubectl", "printf '%s\\n'", 1)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout.splitlines() == ["-n", value, "get", "pods"]
        assert not marker.exists()


def test_a_value_that_cannot_be_literal_is_refused(rbfile, capsys):
    assert main(["copy", "pods.md", "2", "--var", "NAMESPACE=a\nrm -rf /", "--allow-unfilled"]) == 3
    cap = capsys.readouterr()
    assert cap.out == ""
    assert "rbdesk: NAMESPACE not filled: a newline would end the comment" in cap.err
    assert "(in a comment)" in cap.err and "was not printed" in cap.err


def test_alert_labels_with_code_are_named_on_use(lib, monkeypatch, capsys):  # noqa: F811
    feed(monkeypatch, payload("api-$(touch x)"))
    assert main(["alert", "-", "--use"]) == 0
    err = capsys.readouterr().err
    assert "warning: value of POD contains `$(`" in err
    assert "value of pod contains" not in err  # one variable per name, whatever its case
    assert "NAMESPACE contains" not in err
    assert main(["copy", "po:content/runbooks/kubernetes/KubePodCrashLooping.md", "1"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "kubectl -n payments logs 'api-$(touch x)' -c api --previous"
    assert "warning: value of POD contains `$(`" in cap.err
