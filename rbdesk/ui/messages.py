"""One message path for the whole GUI (qutebrowser's ``message.error/info``).

Every part of the window reports through :func:`error`, :func:`warning` and
:func:`info`; the main window shows what arrives in its status bar. An
:class:`~rbdesk.core.errors.RbdeskError` always reads the same way:

* status bar, one line: ``prefix: message — hint``;
* dialog or label: ``prefix: message``, then the hint on its own line.

Other exceptions show their text (an ``OSError`` its reason and file name),
never a traceback; hidden characters in either read as ``⟦U+XXXX⟧``.
Messages are emitted on :data:`bridge` (created on first use, on the UI
thread); a window connects :attr:`MessageBridge.shown`.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import SIGNAL, QObject, Signal

from rbdesk.core.errors import RbdeskError
from rbdesk.core.runbook.safety import terminal_safe

ERROR, WARNING, INFO = "error", "warning", "info"
DEFAULT_MS = {ERROR: 10000, WARNING: 8000, INFO: 5000}


def parts(what: BaseException | str) -> tuple[str, str]:
    """(message, hint) of an error or a text; both on one line each."""
    if isinstance(what, RbdeskError):
        message, hint = what.message, what.hint
    elif isinstance(what, OSError) and what.strerror:
        where = f": {what.filename}" if what.filename else ""
        message, hint = f"{what.strerror}{where}", ""
    elif isinstance(what, BaseException):
        message, hint = str(what) or type(what).__name__, ""
    else:
        message, hint = str(what), ""
    # Runbook and user text can reach a message: hidden characters shown, never applied.
    return " ".join(terminal_safe(message).split()), " ".join(terminal_safe(hint).split())


def one_line(what: BaseException | str, prefix: str = "", suffix: str = "") -> str:
    """The status bar text: ``prefix: message — hint — suffix``."""
    message, hint = parts(what)
    text = f"{prefix}: {message}" if prefix else message
    for extra in (hint, suffix):
        if extra:
            text += f" — {extra}"
    return text


def dialog_text(what: BaseException | str, prefix: str = "") -> str:
    """The text of a dialog or an error label: the message, then the hint on its own line."""
    message, hint = parts(what)
    text = f"{prefix}: {message}" if prefix else message
    return f"{text}\n{hint}" if hint else text


class MessageBridge(QObject):
    """Carries messages from any part of the UI to the window that shows them."""

    shown = Signal(str, str, int)  # level, one-line text, milliseconds on screen
    last: tuple[str, str] = ("", "")  # level, text of the last message (tests, diagnostics)

    def emit(self, level: str, text: str, msecs: int | None) -> str:
        self.last = (level, text)
        unseen = self.receivers(SIGNAL("shown(QString,QString,int)")) == 0
        if unseen and level != INFO:  # no window to show it: never lose an error
            print(f"rbdesk: {text}", file=sys.stderr)
        self.shown.emit(level, text, DEFAULT_MS[level] if msecs is None else msecs)
        return text


_bridge: MessageBridge | None = None


def bridge() -> MessageBridge:
    global _bridge
    if _bridge is None:
        _bridge = MessageBridge()
    return _bridge


def error(
    what: BaseException | str, prefix: str = "", suffix: str = "", msecs: int | None = None
) -> str:
    """Report an error (an exception or a text); returns the line shown."""
    return bridge().emit(ERROR, one_line(what, prefix, suffix), msecs)


def warning(text: str, msecs: int | None = None) -> str:
    return bridge().emit(WARNING, one_line(text), msecs)


def info(text: str, msecs: int | None = None) -> str:
    return bridge().emit(INFO, one_line(text), msecs)
