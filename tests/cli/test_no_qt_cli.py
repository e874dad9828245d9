"""Without the `gui` extra (no PySide6) the commands that need Qt say so in one line."""

from __future__ import annotations

import importlib.util

import pytest

from rbdesk.cli.main import main


@pytest.fixture()
def no_qt(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a, **kw: None if name.split(".")[0] == "PySide6" else real(name, *a, **kw),
    )


@pytest.mark.parametrize(
    ("argv", "what"),
    [
        (["gui"], "the desktop app"),
        (["open", "RUN-007"], "the desktop app"),
        (["print", "RUN-007", "-o", "x.pdf"], "printing"),
    ],
)
def test_commands_that_need_qt_say_how_to_get_it(no_qt, data_dir, tmp_path, capsys, argv, what):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rbdesk: {what} needs Qt (PySide6), which this installation does not")
    assert "pip install 'rbdesk[gui]'" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_lint_needs_no_qt(no_qt, data_dir, tmp_path, capsys):
    (tmp_path / "a.md").write_text("# A\n\n**Owner:** ops\n")
    assert main(["lint", str(tmp_path / "a.md")]) == 0
