"""Dialogs: confirmations and file choosers (module functions, so tests can replace
them), Sources, Contacts, Preferences."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPixmap, QTextCursor, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from rbdesk.core.library.signature import Signature
from rbdesk.core.sync.store import SourceConfig, added_line
from rbdesk.ui import messages

_SOURCE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


COPY_ANYWAY = "copy-anyway"  # ask_placeholders: copy with the <name>s left visible


def _command_view(text: str) -> QPlainTextEdit:
    """A command shown as it will be pasted: monospace, wrapped at spaces only."""
    view = QPlainTextEdit(text if len(text) < 4000 else text[:4000] + " …")
    view.setReadOnly(True)
    view.setObjectName("commandPreview")
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    view.setFont(font)
    view.setWordWrapMode(QTextOption.WrapMode.WordWrap)
    lines = min(8, max(2, text.count("\n") + 1 + len(text) // 70))
    view.setFixedHeight(view.fontMetrics().lineSpacing() * lines + 14)
    view.setMinimumWidth(view.fontMetrics().horizontalAdvance("m") * 72)
    return view


def _highlight(view: QPlainTextEdit, spans: Sequence[tuple[int, int]]) -> None:
    """Mark the filled values in a command view (as the reader marks them)."""
    selections = []
    for start, end in spans:
        sel = QTextEdit.ExtraSelection()
        sel.format.setBackground(QColor("#fff3b0"))
        sel.format.setForeground(QColor("#5c3c00"))
        sel.cursor = view.textCursor()
        sel.cursor.setPosition(start)
        sel.cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selections.append(sel)
    view.setExtraSelections(selections)


def _values_label(values: Sequence[str]) -> QLabel:
    label = QLabel(
        "<b>⚠ Check the filled values</b> (highlighted): they are quoted so the shell "
        "reads them as text, but may not be what you expect:<br>• "
        + "<br>• ".join(escape(v) for v in values)
    )
    label.setObjectName("valueWarning")
    label.setWordWrap(True)
    return label


def confirm_values(
    parent: QWidget | None,
    text: str,
    values: Sequence[str],
    spans: Sequence[tuple[int, int]] = (),
) -> bool:
    """Ask before copying a command whose filled values hold shell metacharacters
    ("value of NAMESPACE contains `$(`"). Tests monkeypatch this."""
    dlg = QDialog(parent)
    dlg.setWindowTitle("Check the values")
    lay = QVBoxLayout(dlg)
    lay.addWidget(_values_label(values))
    view = _command_view(text)
    _highlight(view, spans)
    lay.addWidget(view)
    return _ask_copy(dlg, lay)


def _ask_copy(dlg: QDialog, lay: QVBoxLayout) -> bool:
    lay.addWidget(QLabel("Copy it anyway?"))
    buttons = QDialogButtonBox()
    copy = buttons.addButton("Copy anyway", QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    cancel.setDefault(True)
    copy.clicked.connect(dlg.accept)
    cancel.clicked.connect(dlg.reject)
    lay.addWidget(buttons)
    return dlg.exec() == QDialog.DialogCode.Accepted


def confirm_destructive(
    parent: QWidget | None,
    text: str,
    reasons: list[str],
    unfilled: Sequence[str] = (),
    values: Sequence[str] = (),
    spans: Sequence[tuple[int, int]] = (),
) -> bool:
    """Ask before copying a destructive command. Tests monkeypatch this."""
    dlg = QDialog(parent)
    dlg.setWindowTitle("Destructive command")
    head = QLabel(
        "<b>This command can destroy data or capacity:</b><br>• "
        + "<br>• ".join(escape(r) for r in reasons)
    )
    lay = QVBoxLayout(dlg)
    lay.addWidget(head)
    if values:
        lay.addWidget(_values_label(values))
    view = _command_view(text)
    _highlight(view, spans)
    lay.addWidget(view)
    if unfilled:
        warn = QLabel(
            "⚠ Not filled: "
            + ", ".join(f"<b>{escape(n)}</b>" for n in unfilled)
            + " — the command still contains them as written."
        )
        warn.setObjectName("unfilledWarning")
        warn.setWordWrap(True)
        lay.addWidget(warn)
    return _ask_copy(dlg, lay)


class PlaceholderDialog(QDialog):
    """Values for the unfilled placeholders of a command, before it is copied."""

    def __init__(self, parent: QWidget | None, what: str, text: str, names: Sequence[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fill in before copying")
        self.choice: dict[str, str] | str | None = None
        lay = QVBoxLayout(self)
        intro = QLabel(
            f"{escape(what)} has placeholders that are not set. Pasted as they are, "
            "a shell would misread them (<code>&lt;name&gt;</code> is a redirect)."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addWidget(_command_view(text))
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for n in names:
            edit = QLineEdit(placeholderText="value")
            edit.setObjectName(f"fill-{n}")
            self.fields[n] = edit
            form.addRow(f"{n}:", edit)
        lay.addLayout(form)
        note = QLabel("Values are kept as incident variables (Variables tab) for other commands.")
        note.setWordWrap(True)
        lay.addWidget(note)
        buttons = QDialogButtonBox()
        self.fill = buttons.addButton("Fill and copy", QDialogButtonBox.ButtonRole.AcceptRole)
        self.anyway = buttons.addButton(
            "Copy anyway (keeps the placeholders)", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.fill.setDefault(True)
        self.fill.clicked.connect(self._fill)
        self.anyway.clicked.connect(self._anyway)
        cancel.clicked.connect(self.reject)
        lay.addWidget(buttons)
        if self.fields:
            next(iter(self.fields.values())).setFocus()

    def values(self) -> dict[str, str]:
        return {n: e.text().strip() for n, e in self.fields.items() if e.text().strip()}

    def _fill(self) -> None:
        if not self.values():
            return  # nothing typed: stay open
        self.choice = self.values()
        self.accept()

    def _anyway(self) -> None:
        self.choice = COPY_ANYWAY
        self.accept()


def ask_placeholders(
    parent: QWidget | None, what: str, text: str, names: Sequence[str]
) -> dict[str, str] | str | None:
    """Values to fill ({name: value}), COPY_ANYWAY, or None (cancelled). Tests monkeypatch this."""
    dlg = PlaceholderDialog(parent, what, text, names)
    dlg.exec()
    return dlg.choice


def show_image(parent: QWidget | None, image: QImage, title: str) -> QDialog:
    """An image at full size in a scrollable window (non-modal)."""
    dlg = QDialog(parent)
    dlg.setWindowTitle(title)
    label = QLabel()
    label.setPixmap(QPixmap.fromImage(image))
    area = QScrollArea()
    area.setWidget(label)
    lay = QVBoxLayout(dlg)
    lay.addWidget(area)
    screen = dlg.screen().availableGeometry() if dlg.screen() else None
    w = min(image.width() + 40, screen.width() - 80 if screen else 1200)
    h = min(image.height() + 40, screen.height() - 80 if screen else 800)
    dlg.resize(max(w, 200), max(h, 150))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg


def confirm_external(parent: QWidget | None, url: str) -> bool:
    """Ask before opening a web link in the system browser. Tests monkeypatch this."""
    answer = QMessageBox.question(
        parent,
        "Open in browser?",
        f"Open this link in your web browser?\n\n{url}",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Open


def confirm(parent: QWidget | None, title: str, text: str, yes: str) -> bool:
    """A yes/cancel question (cancel is the default). Tests monkeypatch this."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(text)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok


def ask_save_path(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    """A file to write ("" when cancelled); the chosen filter's suffix is added when missing.

    Tests monkeypatch this.
    """
    path, chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    if not path:
        return ""
    m = re.search(r"\(\*(\.\w+)\)", chosen or "")
    if m and not Path(path).suffix:
        path += m.group(1)
    return path


class PreferencesDialog(QDialog):
    """Small preferences: the initials that checklist runs record."""

    def __init__(self, initials: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.initials = QLineEdit(initials, placeholderText="AB")
        self.initials.setObjectName("prefInitials")
        self.initials.setMaxLength(12)
        form = QFormLayout()
        form.addRow("Your initials", self.initials)
        form.addRow(
            QLabel("Recorded with every tick of a checklist run (overridden by $RBDESK_INITIALS).")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)


def ask_preferences(parent: QWidget | None, initials: str) -> str | None:
    """The initials entered in the Preferences dialog (None when cancelled)."""
    dlg = PreferencesDialog(initials, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.initials.text()


def validate_source(name: str, url: str, existing: list[str]) -> str:
    """An error message for the Sources form, or "" when it looks right."""
    if not name:
        return "Give the source a short name (e.g. ops)."
    if not _SOURCE_NAME_RE.match(name):
        return (
            "Name: letters, digits, '.', '_' or '-' only (max 64), starting with a letter or digit."
        )
    if name in existing:
        return f"A source named {name!r} exists already: pick another name or remove it first."
    if not url:
        return "Give the repository URL (https://…, ssh://…, git@host:owner/repo or a local path)."
    if url.startswith("-") or url.lower().startswith("ext::"):
        return "This URL form is refused: it could run commands."
    return ""


class SourcesDialog(QDialog):
    """List, add and remove sources via ``lib.sync``; errors shown in the dialog."""

    def __init__(
        self,
        lib,
        parent: QWidget | None = None,
        on_changed: Callable[[], None] | None = None,
        on_added: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.lib = lib
        self.on_changed = on_changed
        self.on_added = on_added  # starts the new source's sync (SyncBar.sync_source)
        self.setWindowTitle("Sources")
        self.resize(620, 560)
        self.list = QListWidget()
        self.name = QLineEdit(placeholderText="ops")
        self.url = QLineEdit(placeholderText="https://github.com/acme/runbooks.git")
        self.branch = QLineEdit(placeholderText="default branch")
        self.subdir = _line_edit(
            "whole repository",
            "sourceSubdir",
            "Only this folder of the repository (e.g. docs/runbooks): fetched as a partial "
            "clone, as `rbdesk source add --subdir`.",
        )
        self.docs_url = QLineEdit(placeholderText="only if the repo does not declare it")
        self.docs_url.setObjectName("sourceDocsUrl")
        self.docs_url.setToolTip(
            "Where the runbooks are published (https://runbooks.example.dev/): alert links "
            "to that site then open the local copy. Hugo baseURL and MkDocs site_url in the "
            "repository are read without this."
        )
        self.error = QLabel("")
        self.error.setObjectName("sourceError")
        self.error.setStyleSheet("color: #cf222e; font-weight: bold;")
        self.error.setWordWrap(True)
        self.note = QLabel("")
        self.note.setObjectName("sourceNote")
        self.note.setWordWrap(True)
        add = QPushButton("Add source")
        add.clicked.connect(self.add)
        remove = QPushButton("Remove selected")
        remove.clicked.connect(self.remove)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Repository URL", self.url)
        form.addRow("Branch", self.branch)
        form.addRow("Subdir", self.subdir)
        form.addRow("Docs site URL", self.docs_url)
        self._signer_rows(form)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        for b in self._rank_buttons():
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Configured sources:"))
        lay.addWidget(self.list)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.note)
        lay.addLayout(buttons)
        lay.addWidget(close)
        self.refresh()

    def names(self) -> list[str]:
        return [st.name for st in self.lib.sync.status()]

    def refresh(self) -> None:
        self.list.clear()
        for st in self.lib.sync.status():
            docs = getattr(st, "docs_url", None)
            self.list.addItem(
                f"{st.rank}. {st.name} — {st.url}"
                + (f" ({st.branch})" if st.branch else "")
                + (f" · subdir {st.subdir}" if st.subdir else "")
                + (f" · docs {docs}" if docs else "")
                + _signature_suffix(st)
            )
            self.list.item(self.list.count() - 1).setData(Qt.ItemDataRole.UserRole, st.name)
        if not self.list.count():
            self.list.addItem("(none — the bundled samples are shown)")

    def _fail(self, message: str) -> None:
        self.error.setText(message)

    def add(self) -> bool:
        name, url = self.name.text().strip(), self.url.text().strip()
        problem = validate_source(name, url, self.names())
        if problem:
            self._fail(problem)
            return False
        try:
            source = self.lib.sync.add_source(
                name,
                url,
                self.branch.text().strip() or None,
                subdir=self.subdir.text().strip() or None,
                docs_url=self.docs_url.text().strip() or None,
                **self._signer_values(),
            )
        except NotImplementedError:
            self._fail("Adding sources is not available in this build yet.")
            return False
        except Exception as exc:  # RbdeskError and validation errors from sync
            self._fail(messages.dialog_text(exc))
            return False
        self.error.setText("")
        for edit in (self.name, self.url, self.branch, self.subdir, self.docs_url):
            edit.clear()
        self._clear_signers()
        self.refresh()
        if self.on_changed:
            self.on_changed()
        said = added_line(source) if isinstance(source, SourceConfig) else f"added source {name!r}"
        if self.on_added:
            self.on_added(name)
            said += "; syncing it now"
        self.note.setText(said)
        return True

    # -- signer policy (issue 19): allowed signers, gpg keys, verify mode ----------------------
    def _signer_rows(self, form: QFormLayout) -> None:
        self.allowed_signers = _line_edit(
            "none: commits are not verified",
            "sourceAllowedSigners",
            "ssh allowed_signers file (PRINCIPAL KEYTYPE KEY per line, as git's "
            "gpg.ssh.allowedSignersFile); rbdesk keeps a copy",
        )
        self.gpg_keys = _line_edit(
            "none", "sourceGpgKeys", "armored gpg public keys of the allowed signers (.asc)"
        )
        self.verify = QComboBox()
        self.verify.setObjectName("sourceVerify")
        self.verify.addItem("require: refuse a tip not signed by an allowed signer", "require")
        self.verify.addItem("warn: publish it and show it as unsigned", "warn")
        for label, edit in (("Allowed signers", self.allowed_signers), ("GPG keys", self.gpg_keys)):
            browse = QPushButton("Browse…")
            browse.setObjectName(f"{edit.objectName()}Browse")
            browse.clicked.connect(lambda _c=False, e=edit, t=label: self._pick_file(e, t))
            edit.textChanged.connect(self._update_verify)
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(browse)
            form.addRow(label, row)
        form.addRow("Verify", self.verify)
        self._update_verify()

    def _pick_file(self, edit: QLineEdit, title: str) -> None:
        path = ask_open_path(self, f"{title} file", "Key files (*.pub *.asc *signers*);;All (*)")
        if path:
            edit.setText(path)

    def _update_verify(self) -> None:
        self.verify.setEnabled(bool(self.allowed_signers.text().strip() or self.gpg_keys.text()))

    def _signer_values(self) -> dict[str, str | None]:
        allowed = self.allowed_signers.text().strip() or None
        keys = self.gpg_keys.text().strip() or None
        verify = self.verify.currentData() if (allowed or keys) else None
        return {"allowed_signers": allowed, "gpg_keys": keys, "verify": verify}

    def _clear_signers(self) -> None:
        self.allowed_signers.clear()
        self.gpg_keys.clear()
        self.verify.setCurrentIndex(0)

    # -- rank (the precedence between sources: README "One precedence") ----------------
    def _rank_buttons(self) -> list[QPushButton]:
        up = QPushButton("Up")
        up.setObjectName("sourceUp")
        up.setToolTip(
            "Rank the selected source higher: it wins when two sources hold a "
            "runbook for the same alert, id or URL"
        )
        up.clicked.connect(lambda: self.move(-1))
        down = QPushButton("Down")
        down.setObjectName("sourceDown")
        down.setToolTip("Rank the selected source lower")
        down.clicked.connect(lambda: self.move(1))
        return [up, down]

    def move(self, step: int) -> bool:
        """Move the selected source one rank up (-1) or down (+1); the selection follows."""
        item = self.list.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item else None
        order = self.names()
        if not name or name not in order:
            self._fail("Select a source to move.")
            return False
        at = order.index(name) + step
        if not 0 <= at < len(order):
            return False
        try:
            if step < 0:
                self.lib.sync.move_source(name, before=order[at])
            else:
                self.lib.sync.move_source(name, after=order[at])
        except Exception as exc:
            self._fail(messages.dialog_text(exc))
            return False
        self.error.setText("")
        self.refresh()
        self.list.setCurrentRow(at)
        if self.on_changed:
            self.on_changed()
        return True

    def remove(self) -> bool:
        item = self.list.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not name:
            self._fail("Select a source to remove.")
            return False
        try:
            self.lib.sync.remove_source(name)
        except Exception as exc:
            self._fail(messages.dialog_text(exc))
            return False
        self.error.setText("")
        self.refresh()
        if self.on_changed:
            self.on_changed()
        return True


def _line_edit(placeholder: str, name: str, tip: str) -> QLineEdit:
    edit = QLineEdit(placeholderText=placeholder)
    edit.setObjectName(name)
    edit.setToolTip(tip)
    return edit


def _signature_suffix(st) -> str:
    """' · signed by alice@example.com (require)' for a source list row ("" when off)."""
    sig = getattr(st, "signature", None) or {}
    if sig.get("policy", "off") == "off":
        return ""
    return f" · {Signature.from_dict(sig).phrase} ({sig['policy']})"


def ask_open_path(parent: QWidget | None, title: str, filters: str) -> str:
    """A file to read ("" when cancelled). Tests monkeypatch this."""
    path, _chosen = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path


class ContactsDialog(QDialog):
    """Contacts across all runbooks (from local copies), filterable, copyable."""

    COLUMNS = ("Name", "Role", "Phone", "Email", "Chat", "Runbook")

    def __init__(
        self, rows, parent: QWidget | None = None, copy: Callable[[str, str], None] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contacts — all runbooks")
        self.resize(900, 500)
        self.rows = rows
        self.copy = copy
        self.filter = QLineEdit(placeholderText="Filter by name, role, team, runbook…")
        self.filter.textChanged.connect(self.fill)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellDoubleClicked.connect(self._copy_cell)
        lay = QVBoxLayout(self)
        lay.addWidget(self.filter)
        lay.addWidget(self.table)
        lay.addWidget(QLabel("Double-click a cell to copy it."))
        self.fill()

    def fill(self) -> None:
        q = self.filter.text().lower().strip()
        shown = []
        for r in self.rows:
            c = r.contact
            values = (c.name, c.role, c.phone, c.email, c.chat, r.runbook)
            if q and q not in " ".join(values).lower():
                continue
            shown.append(values)
        self.table.setRowCount(len(shown))
        for i, values in enumerate(shown):
            for j, v in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(v))

    def _copy_cell(self, row: int, col: int) -> None:
        item = self.table.item(row, col)
        if item and item.text() and self.copy:
            self.copy(item.text(), self.COLUMNS[col].lower())
