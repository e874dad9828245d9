"""Result rows show every line they hold (issue 23 item 8): the snippet is cut to the
row's room, never clipped; Ctrl++ zooms the results list with the reader."""

from __future__ import annotations

import pytest

from .test_search_ui import wait_answer

pytestmark = pytest.mark.gui


def clipped_rows(qtbot, win) -> list[int]:
    """Rows whose label needs more height than the row gives it (its last line cut)."""
    qtbot.wait(200)  # the list lays its row widgets out at the row's width
    out = []
    for row in range(win.results.count()):
        item = win.results.item(row)
        label = win.results.itemWidget(item)
        if label.heightForWidth(label.width()) + 2 > item.sizeHint().height():
            out.append(row)
    return out


@pytest.mark.parametrize("width", [180, 240, 330])
def test_rows_with_snippets_are_never_clipped(qtbot, window, width):
    window.splitter.setSizes([width, 760, 300])
    qtbot.wait(50)
    window.search_box.setText("replication lag wal")
    wait_answer(qtbot, window, "replication lag wal", full=True)
    qtbot.waitUntil(lambda: window.results.count() == len(window.hits), timeout=5000)
    assert any(h.snippet for h in window.hits)
    assert clipped_rows(qtbot, window) == []
    assert "…" in window.results.itemWidget(window.results.item(0)).text()  # cut to fit


def test_zoom_reaches_the_results_list(qtbot, window):
    window.search_box.setText("replication lag wal")
    wait_answer(qtbot, window, "replication lag wal", full=True)
    before = window.results.font().pointSizeF()
    window.zoom(3)
    qtbot.waitUntil(lambda: window.results.count() == len(window.hits), timeout=5000)
    assert window.results.font().pointSizeF() == before + 3 and window.settings.zoom == 3
    label = window.results.itemWidget(window.results.item(0))
    assert label.font().pointSizeF() == before + 3
    assert clipped_rows(qtbot, window) == []
    window.zoom(-window.settings.zoom)  # Ctrl+0
    assert window.results.font().pointSizeF() == before
