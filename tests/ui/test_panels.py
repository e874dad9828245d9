"""The side panels on their own: Variables, Contacts, Problems."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from rbdesk.core.runbook.model import Contact, Problem
from rbdesk.core.settings import Settings
from rbdesk.ui.panels import ContactsPanel, ProblemsPanel, VariablesPanel

pytestmark = pytest.mark.gui


@pytest.fixture()
def variables(qtbot):
    settings = Settings()
    panel = VariablesPanel(settings)
    qtbot.addWidget(panel)
    changes: list[int] = []
    panel.changed.connect(lambda: changes.append(1))
    return panel, settings, changes


def table_rows(panel: VariablesPanel) -> list[tuple[str, str]]:
    t = panel.table
    return [(t.item(r, 0).text(), t.item(r, 1).text()) for r in range(t.rowCount())]


def test_variables_set_listed_sorted_and_announced(qtbot, variables):
    panel, settings, changes = variables
    assert panel.set_variable(" NAMESPACE ", "payments")
    panel.name.setText("HOST")
    panel.value.setText("web-1")
    qtbot.keyClick(panel.value, Qt.Key.Key_Return)
    assert settings.variables == {"NAMESPACE": "payments", "HOST": "web-1"}
    assert table_rows(panel) == [("HOST", "web-1"), ("NAMESPACE", "payments")]
    assert len(changes) == 2
    assert panel.name.text() == "" and panel.value.text() == ""  # ready for the next one
    assert not panel.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEditable  # names fixed


def test_invalid_name_is_refused_with_a_reason(variables):
    panel, settings, changes = variables
    assert not panel.set_variable("two words", "x")
    assert "“two words” is not a variable name" in panel.error.text()
    assert settings.variables == {} and changes == []
    assert panel.set_variable("OK_1", "y")
    assert panel.error.text() == ""  # the error goes once a good name is set


def test_editing_a_value_in_the_table_and_emptying_it(variables):
    panel, settings, changes = variables
    panel.set_variable("CLUSTER", "prod-eu")
    panel.table.item(0, 1).setText("prod-us")  # the user edits the cell
    assert settings.variables == {"CLUSTER": "prod-us"}
    panel.table.item(0, 1).setText("")  # an empty value removes the variable
    assert settings.variables == {} and panel.table.rowCount() == 0
    assert len(changes) == 3


def test_clear_all(variables):
    panel, settings, changes = variables
    panel.set_variable("A", "1")
    panel.set_variable("B", "2")
    panel.clear()
    assert settings.variables == {} and panel.table.rowCount() == 0
    assert len(changes) == 3


def test_placeholders_hint_links_the_missing_ones(variables):
    panel, _settings, _changes = variables
    panel.set_variable("HOST", "web-1")
    panel.show_placeholders(["HOST", "NAMESPACE"])
    text = panel.hint.text()
    assert "This runbook uses: HOST, NAMESPACE" in text
    assert '<a href="NAMESPACE">NAMESPACE</a>' in text and 'href="HOST"' not in text
    panel.hint.linkActivated.emit("NAMESPACE")
    assert panel.name.text() == "NAMESPACE"  # picked: only the value is left to type
    panel.show_placeholders(["HOST"])
    assert "All set ✓" in panel.hint.text() and "Not set" not in panel.hint.text()
    panel.show_placeholders(["host"])  # Copy fills <host> with HOST's value
    assert "All set ✓" in panel.hint.text()
    panel.show_placeholders([])
    assert panel.hint.text() == ""


def test_contacts_cards_in_order_with_copy_buttons(qtbot):
    copied: list[tuple[str, str]] = []
    panel = ContactsPanel(lambda value, kind: copied.append((value, kind)))
    qtbot.addWidget(panel)
    labels = [w.text() for w in panel.widget().findChildren(QLabel)]
    assert any("No contacts in this runbook" in t for t in labels)
    panel.set_contacts(
        [
            Contact("Alice <Ops>", "Primary", phone="+1 555 0100", when="first"),
            Contact("Bob", email="bob@example.com", chat="#db-oncall"),
        ]
    )
    labels = [w.text() for w in panel.widget().findChildren(QLabel)]
    assert "<b>1. Alice &lt;Ops&gt;</b> — Primary" in labels  # escaped, numbered
    assert any(t.startswith("<b>2. Bob</b>") for t in labels)
    buttons = {b.objectName(): b for b in panel.widget().findChildren(QPushButton)}
    assert set(buttons) == {"copyPhone", "copyEmail", "copyChat"}
    qtbot.mouseClick(buttons["copyPhone"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(buttons["copyChat"], Qt.MouseButton.LeftButton)
    assert copied == [("+1 555 0100", "phone"), ("#db-oncall", "chat")]


def test_problems_rows_jump_to_their_line(qtbot):
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    panel.set_problems([])
    assert [panel.item(i).text() for i in range(panel.count())] == ["No problems found."]
    panel.set_problems(
        [Problem(3, "RB103", "WARNING", "no owner"), Problem(12, "RB201", "ERROR", "bad link")]
    )
    assert panel.item(1).text() == "line 12: ERROR RB201 — bad link"
    with qtbot.waitSignal(panel.jump, timeout=1000) as blocker:
        panel.itemActivated.emit(panel.item(1))
    assert blocker.args == [12]
