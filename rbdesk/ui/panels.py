"""Side panels: incident variables, contacts of the open runbook, lint problems."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rbdesk.core.runbook.copyrules import valid_variable_name, value_warning
from rbdesk.core.runbook.model import Contact, Problem
from rbdesk.core.settings import Settings
from rbdesk.core.usecases.alert_runbook import variables_from_alert
from rbdesk.core.usecases.alerts import visible


class VariablesPanel(QWidget):
    """Incident variables: typed once, reused in every runbook until cleared."""

    changed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Variable", "Value"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(self._edited)
        self.name = QLineEdit(placeholderText="NAME")
        self.name.setObjectName("varName")
        self.value = QLineEdit(placeholderText="value")
        self.value.setObjectName("varValue")
        self.value.returnPressed.connect(self.add_from_fields)
        add = QPushButton("Set")
        add.clicked.connect(self.add_from_fields)
        clear = QPushButton("Clear all")
        clear.clicked.connect(self.clear)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #cf222e;")
        self.error.setWordWrap(True)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.hint.linkActivated.connect(self._pick_placeholder)
        row = QHBoxLayout()
        row.addWidget(self.name, 2)
        row.addWidget(self.value, 3)
        row.addWidget(add)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        intro = QLabel(
            "Values fill <NAME>, [NAME], ${NAME}, {{NAME}} and $NAME in copied commands. "
            "Ctrl+Shift+V fills them from a pasted alert."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addLayout(row)
        lay.addWidget(self.error)
        self.alert_note = QLabel("")
        self.alert_note.setObjectName("alertNote")
        self.alert_note.setWordWrap(True)
        self.alert_note.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.alert_note)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.hint)
        lay.addWidget(clear)
        self._filling = False
        self.refresh()

    def refresh(self) -> None:
        self._filling = True
        self.table.setRowCount(0)
        from_alert = variables_from_alert(self.settings)
        alert = visible(str(self.settings.alert_context.get("alert", "") or "the alert"))
        for name, value in sorted(self.settings.variables.items()):
            r = self.table.rowCount()
            self.table.insertRow(r)
            key = QTableWidgetItem(name)
            key.setFlags(key.flags() & ~Qt.ItemFlag.ItemIsEditable)
            val = QTableWidgetItem(value)
            if visible(value) != value:  # never let a bidi override or ESC act in the view
                val = QTableWidgetItem(visible(value))
                val.setFlags(val.flags() & ~Qt.ItemFlag.ItemIsEditable)
                val.setToolTip(
                    "Holds hidden characters (shown as ⟦U+XXXX⟧; copy removes them). "
                    "Set the variable again above to change it."
                )
            warning = value_warning(name, value)
            if warning:  # e.g. an alert label holding `$(`: quoted when copied, but shown
                key.setText(f"{name} ⚠")
                key.setData(Qt.ItemDataRole.UserRole, name)
                note = f"⚠ {warning}: copies quote it as text for the spot it fills"
                for item in (key, val):
                    item.setToolTip("\n".join(t for t in (note, item.toolTip()) if t))
                    item.setForeground(QColor("#d18616"))  # readable on both themes
            if name in from_alert:
                tip = f"From alert {alert}, label “{visible(from_alert[name])}”"
                for item in (key, val):
                    item.setToolTip("\n".join(t for t in (tip, item.toolTip()) if t))
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                key.setText(f"{key.text()} ⚡")
                key.setData(Qt.ItemDataRole.UserRole, name)
            self.table.setItem(r, 0, key)
            self.table.setItem(r, 1, val)
        if from_alert:
            pairs = ", ".join(f"{n} ← {visible(lb)}" for n, lb in from_alert.items())
            self.alert_note.setText(f"⚡ From alert {alert}: {pairs}")
        else:
            self.alert_note.setText("")
        self._filling = False

    def name_at(self, row: int) -> str:
        item = self.table.item(row, 0)
        return item.data(Qt.ItemDataRole.UserRole) or item.text()

    def show_placeholders(self, names: list[str]) -> None:
        have = {k.casefold() for k, v in self.settings.variables.items() if v != ""}
        missing = [n for n in names if n.casefold() not in have]  # Copy fills any case
        if not names:
            self.hint.setText("")
            return
        if missing:
            links = " ".join(f'<a href="{n}">{n}</a>' for n in missing)
            state = f"Not set: {links}"
        else:
            state = "All set ✓"
        self.hint.setText(f"This runbook uses: {', '.join(names)}<br>{state}")

    def _pick_placeholder(self, name: str) -> None:
        self.pick(name)

    def pick(self, name: str) -> None:
        """Ready to set name: its current value to edit, the cursor in the value field."""
        self.name.setText(name)
        self.value.setText(self.settings.variables.get(name, ""))
        self.value.setFocus()
        self.value.selectAll()

    def set_variable(self, name: str, value: str) -> bool:
        name = name.strip()
        if not valid_variable_name(name):
            self.error.setText(f"“{name}” is not a variable name (letters, digits, _ - .).")
            return False
        self.error.setText("")
        if value == "":
            self.settings.variables.pop(name, None)
        else:
            self.settings.set_variable(name, value)
        self.refresh()
        self.changed.emit()
        return True

    def add_from_fields(self) -> None:
        if self.set_variable(self.name.text(), self.value.text()):
            self.name.clear()
            self.value.clear()
            self.name.setFocus()

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 1:
            return
        self.set_variable(self.name_at(item.row()), item.text())

    def clear(self) -> None:
        self.settings.clear_variables()
        self.refresh()
        self.changed.emit()


class ContactsPanel(QScrollArea):
    """Cards for the open runbook's contacts, in escalation order, with copy buttons."""

    def __init__(self, copy: Callable[[str, str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.setWidgetResizable(True)
        self.set_contacts([])

    def set_contacts(self, contacts: list[Contact]) -> None:
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        if not contacts:
            lay.addWidget(
                QLabel("No contacts in this runbook.\nTools → All contacts for the library.")
            )
        for i, c in enumerate(contacts, 1):
            lay.addWidget(self._card(i, c))
        lay.addStretch(1)
        self.setWidget(body)

    def _card(self, order: int, c: Contact) -> QFrame:
        card = QFrame()
        card.setObjectName("contactCard")
        lay = QVBoxLayout(card)
        title = QLabel(f"<b>{order}. {_esc(c.name)}</b>" + (f" — {_esc(c.role)}" if c.role else ""))
        title.setWordWrap(True)
        lay.addWidget(title)
        if c.when:
            when = QLabel(f"<i>When:</i> {_esc(c.when)}")
            when.setWordWrap(True)
            lay.addWidget(when)
        for label, value in (("Phone", c.phone), ("Email", c.email), ("Chat", c.chat)):
            if not value:
                continue
            row = QHBoxLayout()
            text = QLabel(f"{label}: {_esc(value)}")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            btn = QPushButton("Copy")
            btn.setObjectName(f"copy{label}")
            kind = label.lower()
            btn.clicked.connect(lambda _=False, v=value, k=kind: self.copy(v, k))
            row.addWidget(text, 1)
            row.addWidget(btn)
            lay.addLayout(row)
        return card


class ProblemsPanel(QListWidget):
    """What lint found in the open runbook; activating a row jumps to its line."""

    jump = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.itemActivated.connect(lambda it: self.jump.emit(it.data(Qt.ItemDataRole.UserRole)))

    def set_problems(self, problems: list[Problem]) -> None:
        self.clear()
        if not problems:
            self.addItem("No problems found.")
            return
        for p in problems:
            item = QListWidgetItem(f"line {p.line}: {p.severity} {p.code} — {p.message}")
            item.setData(Qt.ItemDataRole.UserRole, p.line)
            self.addItem(item)


def _esc(s: str) -> str:
    from html import escape

    return escape(s)
