"""Real-world runbooks in the real window: the copy guard for unfilled placeholders,
GitLab-style Markdown (comments, [[_TOC_]], mermaid, wide images), a results list
that stays put while snippets arrive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import QDialog

from rbdesk.core.library.roots import RunbookFile
from rbdesk.ui import dialogs

from .helpers import click_anchor
from .test_mainwindow import clipboard, open_by_search

pytestmark = pytest.mark.gui

GITLAB = Path(__file__).resolve().parents[1] / "core" / "fixtures" / "gitlab"


def open_gitlab(qtbot, window, library_dir) -> None:
    shutil.copy(GITLAB / "redis-memory.md", library_dir / "redis-memory.md")
    shutil.copytree(GITLAB / "img", library_dir / "img", dirs_exist_ok=True)
    f = RunbookFile("samples", "redis-memory.md", library_dir / "redis-memory.md")
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        window.open_file(f)


# -- the copy guard ------------------------------------------------------------------------


def test_unfilled_placeholder_is_never_copied_silently(qtbot, window, monkeypatch):
    answers: list[object] = [None]
    asked: list[tuple[str, str, list[str]]] = []

    def fake_ask(parent, what, text, names):
        asked.append((what, text, list(names)))
        return answers[0]

    monkeypatch.setattr(dialogs, "ask_placeholders", fake_ask)
    open_by_search(qtbot, window, "disk")
    QGuiApplication.clipboard().setText("before")
    click_anchor(qtbot, window.reader, "rbdesk://copy/1")  # ssh <HOST> df -h /var
    assert asked == [("Command #1", "ssh <HOST> df -h /var", ["HOST"])]
    assert clipboard() == "before" and "Not copied" in window.last_message
    # values typed in the question fill the command and become incident variables
    answers[0] = {"HOST": "web-2"}
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        window.reader.anchorClicked.emit(QUrl("rbdesk://copy/1"))
    assert clipboard() == "ssh web-2 df -h /var"
    assert window.settings.variables["HOST"] == "web-2"
    assert '<span class="filled">web-2</span>' in window.current.result.html
    # "copy anyway" keeps the placeholder visible and says so
    window.variables.set_variable("HOST", "")
    answers[0] = dialogs.COPY_ANYWAY
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/1"))
    assert clipboard() == "ssh <HOST> df -h /var"
    assert "placeholders not filled: HOST" in window.last_message


def test_unfilled_name_in_the_block_opens_the_variables_tab(qtbot, window):
    open_by_search(qtbot, window, "disk")
    html = window.current.result.html
    assert 'href="rbdesk://var/HOST"' in html and "not set:" in html
    click_anchor(qtbot, window.reader, "rbdesk://var/HOST")
    assert window.side.currentWidget() is window.variables
    assert window.variables.name.text() == "HOST"


def test_destructive_question_names_the_unfilled_placeholders(
    qtbot, window, library_dir, monkeypatch
):
    (library_dir / "pods.md").write_text(
        "# Pods\n\n```bash\nkubectl -n ${NAMESPACE} delete pod [pod-name]\n```\n", "utf-8"
    )
    seen: list[dict] = []

    def fake_confirm(parent, text, reasons, **kw):
        seen.append({"text": text, "reasons": reasons, **kw})
        return False

    monkeypatch.setattr(dialogs, "ask_placeholders", lambda *a: dialogs.COPY_ANYWAY)
    monkeypatch.setattr(dialogs, "confirm_destructive", fake_confirm)
    f = RunbookFile("samples", "pods.md", library_dir / "pods.md")
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        window.open_file(f)
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/1"))
    assert seen and seen[0]["unfilled"] == ["NAMESPACE", "pod-name"]
    assert seen[0]["text"] == "kubectl -n ${NAMESPACE} delete pod [pod-name]"


def test_question_dialogs_show_the_command_in_monospace(qtbot, monkeypatch):
    view = dialogs._command_view("kubectl --namespace payments delete pod web-1 " * 3)
    qtbot.addWidget(view)
    assert view.font().fixedPitch() or "mono" in view.font().family().lower()
    assert view.wordWrapMode().name == "WordWrap"  # at spaces, never inside a word
    dlg = dialogs.PlaceholderDialog(None, "Command #1", "ssh <HOST> <PORT>", ["HOST", "PORT"])
    qtbot.addWidget(dlg)
    dlg.fields["HOST"].setText("web-1")
    dlg.fill.click()
    assert dlg.choice == {"HOST": "web-1"} and dlg.result() == QDialog.DialogCode.Accepted
    dlg2 = dialogs.PlaceholderDialog(None, "Command #1", "ssh <HOST>", ["HOST"])
    qtbot.addWidget(dlg2)
    dlg2.fill.click()  # nothing typed: the dialog stays open
    assert dlg2.choice is None
    dlg2.anyway.click()
    assert dlg2.choice == dialogs.COPY_ANYWAY


# -- GitLab-style Markdown in the reader ------------------------------------------------------


def test_gitlab_runbook_reads_without_its_plumbing(qtbot, window, library_dir):
    open_gitlab(qtbot, window, library_dir)
    text = window.reader.toPlainText()
    for hidden in ("MARKER", "do not edit", "Reviewers", "inline note", "[[_TOC_]]", "[[TOC]]"):
        assert hidden not in text, hidden
    assert "Contents" in text and "Failover procedure" in text
    assert "mermaid diagram" in text and "graph LR" in text
    result = window.current.result
    assert len(result.code_blocks) == 5 and result.code_blocks[0].lang == "bash"
    assert result.html.count("rbdesk://copy/") == 5  # no Copy on the diagram
    # the Variables panel lists command placeholders only, no `ps` output
    hint = window.variables.hint.text()
    assert "redis-host" in hint and "pod-name" in hint
    for noise in ("kthreadd", "ksoftirqd", "redis-0", "bash,"):
        assert noise not in hint


def test_soft_wrapped_command_lines_hang(qtbot, window, library_dir):
    open_gitlab(qtbot, window, library_dir)
    block = window.reader.document().begin()
    found = []
    while block.isValid():
        if block.text().startswith("redis-cli -h <redis-host> --scan"):
            fmt = block.blockFormat()
            found.append((fmt.leftMargin() > 0, fmt.textIndent() < 0))
        block = block.next()
    # a wrapped continuation is indented, a new command line is not: one command never
    # looks like several
    assert found == [(True, True)]


def test_wide_image_fits_the_reader_and_opens_full_size(qtbot, window, library_dir, monkeypatch):
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    open_gitlab(qtbot, window, library_dir)
    reader = window.reader
    qtbot.waitUntil(lambda: reader._fitted_width == reader.image_width(), timeout=3000)
    img = reader.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl("rbdesk://img/1")
    )
    assert img is not None and img.width() <= reader.image_width() < 2400
    qtbot.waitUntil(lambda: reader.horizontalScrollBar().maximum() == 0, timeout=3000)
    shown: list[tuple[int, str]] = []
    monkeypatch.setattr(
        dialogs, "show_image", lambda parent, image, title: shown.append((image.width(), title))
    )
    window.reader.anchorClicked.emit(QUrl("rbdesk://image/1"))
    assert shown == [(2400, "wide.png")]
    # a narrower window fits the image again
    window.resize(800, 700)
    qtbot.waitUntil(lambda: reader._fitted_width == reader.image_width(), timeout=3000)
    img = reader.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl("rbdesk://img/1")
    )
    assert img.width() <= reader.image_width()


# -- a results list that stays put ---------------------------------------------------------------


def _rows(window) -> list[tuple[int, int, int]]:
    lst = window.results
    return [
        (lst.visualItemRect(lst.item(i)).y(), lst.visualItemRect(lst.item(i)).height(), i)
        for i in range(lst.count())
    ]


def test_snippets_fill_the_rows_in_place(qtbot, window):
    from .test_search_ui import row_html, wait_answer

    window.resize(1200, 800)
    qtbot.keyClicks(window.search_box, "replica")
    wait_answer(qtbot, window, "replica", full=False)
    before = _rows(window)
    widgets = [window.results.itemWidget(window.results.item(i)) for i in range(len(before))]
    assert before and "background-color" not in row_html(window, 0)
    wait_answer(qtbot, window, "replica", full=True)
    assert "background-color" in row_html(window, 0)  # the snippet arrived …
    assert _rows(window) == before  # … in the same rows, same places, same heights
    assert [window.results.itemWidget(window.results.item(i)) for i in range(len(before))] == (
        widgets
    )


def test_results_follow_the_typing(qtbot, window):
    seen: list[str] = []
    window.search.results_shown.connect(lambda _n: seen.append(window.shown.text))
    for ch in "postgres failover":
        qtbot.keyClick(window.search_box, ch)
        qtbot.wait(30)
    qtbot.waitUntil(lambda: seen and seen[-1] == "postgres failover", timeout=10000)
    typed_on = [t for t in seen if t != "postgres failover"]
    assert typed_on, "no answer was shown while typing"
    assert all("postgres failover".startswith(t) for t in seen)


def test_up_down_previews_the_result(qtbot, window):
    from .test_search_ui import wait_answer

    qtbot.keyClicks(window.search_box, "step")
    wait_answer(qtbot, window, "step")
    assert window.results.count() >= 2
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    hit = window.search.hits[window.results.currentRow()]
    assert window.current.file.relpath == hit.path
    assert window.search_box.hasFocus() or window.focusWidget() is window.search_box


def test_banner_links_follow_the_theme(qtbot, window):
    window.apply_theme("dark")
    assert 'style="color:#a5d6ff" href="add"' in window.banner.text()
    window.apply_theme("light")
    assert 'style="color:#0550ae" href="add"' in window.banner.text()
    assert window.banner.text().count("<a ") == 1
