"""Paste an alert: from a notification on the clipboard to its runbook, variables filled.

Ctrl+Shift+V anywhere in the window, or pasting a notification into the
open-by box (Ctrl+O), hands the clipboard to :class:`AlertPaste`: it parses
the text off the UI thread (``core/usecases/alerts.py``, linear in the
paste's length; a bad paste is one status-bar line),
asks which alert when there are several, finds the runbook and fills the
variables off the UI thread (``core/usecases/alert_runbook.py``), stores them
as the incident's, and opens the runbook. The header card then shows the
alert (name, labels, since when it fires); the Variables panel marks the
values that came from it.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rbdesk.core.runbook.copyrules import value_warnings
from rbdesk.core.timefmt import time_ago
from rbdesk.core.usecases.alert_runbook import OpenedAlert, open_alert, use_alert
from rbdesk.core.usecases.alerts import (
    Alert,
    AlertParseError,
    ParsedPaste,
    looks_like_alert,
    parse_alert_text,
    visible,
)
from rbdesk.ui import messages

if TYPE_CHECKING:
    from rbdesk.ui.document import OpenDoc
    from rbdesk.ui.mainwindow import MainWindow

MAX_CARD_LABELS = 12


class AlertLineEdit(QLineEdit):
    """The open-by box: a pasted alert notification goes to the alert handler."""

    alert_pasted = Signal(str)
    PASTE_MIN_CHARS = 20  # inserted at once: a paste (context menu, middle click)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._before = ""
        self.textEdited.connect(self._edited)

    def _edited(self, text: str) -> None:
        before, self._before = self._before, text
        if len(text) - len(before) >= self.PASTE_MIN_CHARS and looks_like_alert(text):
            self._before = ""
            self.clear()
            self.alert_pasted.emit(text)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            text = QGuiApplication.clipboard().text()
            if looks_like_alert(text):
                self.alert_pasted.emit(text)
                event.accept()
                return
        super().keyPressEvent(event)


def choose_alert(parent: QWidget, alerts: list[Alert], count: str = "") -> int | None:
    """Ask which of several pasted alerts to open; the index, or None when cancelled.
    ``count``: 'the paste holds 20,000 alerts; showing the first 500'."""
    dlg = QDialog(parent)
    dlg.setWindowTitle("Which alert?")
    lay = QVBoxLayout(dlg)
    count = count or f"the paste holds {len(alerts)} alerts"
    lay.addWidget(QLabel(f"{count[0].upper()}{count[1:]}. Open the runbook for:"))
    lst = QListWidget()
    lst.setObjectName("alertChoice")
    for a in alerts:
        labels = ", ".join(f"{k}={v}" for k, v in a.labels.items() if k != "alertname")
        item = QListWidgetItem(visible(f"{a.name or '(no name)'}  {labels}")[:300])
        lst.addItem(item)
    lst.setCurrentRow(0)
    lst.itemDoubleClicked.connect(lambda _i: dlg.accept())
    lay.addWidget(lst)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    lay.addWidget(buttons)
    dlg.resize(640, 320)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return lst.currentRow()


def alert_card_html(ctx: dict) -> str:
    """The header card's alert line: which alert opened the runbook, labels, since when."""
    name = escape(visible(str(ctx.get("alert") or "(alert without a name)")))
    status = str(ctx.get("status") or "")
    started = str(ctx.get("starts_at") or "")
    bits = [f"<b>Alert</b> {name}"]
    if status:
        bits.append(escape(visible(status)))
    if started:
        ago = time_ago(started) if started[:4].isdigit() else ""
        when = escape(visible(started)) + (f" ({escape(ago)})" if ago else "")
        bits.append(f"<b>firing since</b> {when}")
    labels = ctx.get("labels") if isinstance(ctx.get("labels"), dict) else {}
    shown = [(k, v) for k, v in labels.items() if k != "alertname"][:MAX_CARD_LABELS]
    more = len(labels) - 1 - len(shown) if "alertname" in labels else len(labels) - len(shown)
    pairs = " ".join(
        f"<code>{escape(visible(str(k)))}={escape(visible(str(v)))}</code>" for k, v in shown
    )
    if more > 0:
        pairs += f" (+{more} more)"
    sep = "&nbsp;&nbsp;·&nbsp;&nbsp;"
    summary = str(ctx.get("summary") or "")
    lines = f'<p class="cardalert">{sep.join(bits)}</p>'
    if pairs:
        lines += f'<p class="cardalert">{pairs}</p>'
    if summary:
        lines += f'<p class="cardwhere">{escape(visible(summary))}</p>'
    return lines


class AlertPaste(QObject):
    """The paste-an-alert flow of one window."""

    opened = Signal(object)  # OpenedAlert, once its runbook is being opened

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.last: OpenedAlert | None = None

    def paste_clipboard(self) -> None:
        """Ctrl+Shift+V: the clipboard as an alert notification."""
        self.paste(QGuiApplication.clipboard().text())

    def paste(self, text: str) -> None:
        """Parse text off the UI thread (a hostile paste never freezes the window),
        then ask which alert when there are several and open its runbook."""
        messages.info("Reading the pasted alert…", 0)
        self.win.bg_worker.submit(
            parse_alert_text, text, on_done=self._parsed, on_error=self._not_an_alert
        )

    def _not_an_alert(self, exc: BaseException) -> None:
        if isinstance(exc, AlertParseError):
            messages.error(exc, prefix="Not an alert paste")
        else:
            self._failed(exc)

    def _parsed(self, paste: ParsedPaste) -> bool:
        """Open the chosen alert's runbook; False when nothing opens."""
        index = 0
        if len(paste.alerts) > 1:
            chosen = choose_alert(self.win, paste.alerts, paste.count_line())
            if chosen is None:
                messages.info("Alert paste cancelled.")
                return False
            index = chosen
        alert = paste.alerts[index]
        messages.info(f"Looking up the runbook for {visible(alert.name or alert.runbook_url)}…", 0)
        self.win.bg_worker.submit(
            open_alert,
            self.win.lib,
            alert,
            self.win.settings.docs_prefixes,
            on_done=self._opened,
            on_error=self._failed,
        )
        return True

    def _failed(self, exc: BaseException) -> None:
        messages.error(exc, prefix="Cannot open the alert's runbook")

    def _opened(self, opened: OpenedAlert) -> None:
        a = opened.alert
        if opened.resolved is None:
            messages.warning(f"No runbook for this alert: {visible(opened.problem)}", 15000)
            return
        names = use_alert(self.win.settings, opened)
        self.win.save_settings()
        self.win.variables.refresh()
        self.last = opened
        filled = f" — filled {', '.join(names)} from its labels" if names else ""
        notes = opened.resolved.notes()  # a fallback; also in: another source
        if notes:
            filled += f" ({'; '.join(notes)})"
        hidden = a.hidden()
        warn = f" — ⚠ hidden characters in {', '.join(hidden)}" if hidden else ""
        for line in value_warnings(opened.variables, names):  # label text is anyone's
            warn += f" — ⚠ {visible(line)} (quoted as text when copied)"
        say = messages.warning if warn else messages.info
        say(f"Alert {visible(a.name)}: {opened.resolved.label()}{filled}{warn}", 10000)
        self.opened.emit(opened)
        self.win.docs.open_resolved(opened.resolved)

    # -- the header card -------------------------------------------------------------------
    def decorate(self, doc: OpenDoc) -> None:
        """Add the alert to doc's header card when the current alert opened this runbook."""
        ctx = self.win.settings.alert_context
        if not isinstance(ctx, dict) or not ctx.get("runbook"):
            return
        if ctx["runbook"].split("#", 1)[0] != doc.key:
            return
        html = doc.result.html
        end = "</td></tr></table>"
        at = html.find(end)
        if at < 0 or 'class="cardalert"' in html:
            return
        doc.result.html = html[:at] + alert_card_html(ctx) + html[at:]


def install(win: MainWindow) -> AlertPaste:
    """Create the window's alert-paste part and bind the open-by box (the window's
    File menu binds Ctrl+Shift+V to :meth:`AlertPaste.paste_clipboard`)."""
    part = AlertPaste(win)
    if isinstance(win.open_box, AlertLineEdit):
        win.open_box.alert_pasted.connect(part.paste)
    return part
