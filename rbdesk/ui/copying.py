"""Copy actions: a code block, inline code (on a double-click), the next command, a
contact's number.

Every copy goes through :func:`rbdesk.core.runbook.copyrules.prepare_copy`
(variables filled, hidden characters removed, destructive commands flagged); a
destructive command, or one whose filled values hold shell metacharacters, is
copied only after the user confirms; a value that cannot be literal where its
placeholder sits is never copied. :class:`CopyActions`
also keeps the "where am I" cursor for Ctrl+Shift+C: the current step and the
next command number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QToolTip

from rbdesk.core.render.reader import RenderResult
from rbdesk.core.runbook import copyrules
from rbdesk.core.runbook.commands import next_command
from rbdesk.ui import dialogs, messages

if TYPE_CHECKING:
    from rbdesk.ui.mainwindow import MainWindow


class CopyActions(QObject):
    """Copy to the clipboard, with confirmation for destructive commands."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.current_step: int | None = None
        self.next_command = 1
        self.last_copy: copyrules.CopyResult | None = None

    def _result(self) -> RenderResult | None:
        doc = self.win.docs.current
        return doc.result if doc is not None else None

    # -- the step cursor ---------------------------------------------------------------------
    def reset(self) -> None:
        """Another runbook opened: no current step, the next command is the first."""
        self.current_step = None
        self.next_command = 1

    def set_step(self, n: int) -> None:
        self.current_step = n
        self.next_command = 1
        result = self._result()
        if result is not None:
            for b in result.code_blocks:
                if b.step == n:
                    self.next_command = b.index
                    break

    # -- copying -----------------------------------------------------------------------------
    def copy_block(self, n: int) -> bool:
        result = self._result()
        if result is None or not 1 <= n <= len(result.code_blocks):
            return False
        block = result.code_blocks[n - 1]
        res = self._guarded(block.clean, block.placeholders, f"Command #{n}")
        if res is None:
            return False
        self.to_clipboard(res, f"command #{n}")
        self.win.runs.copied(res.text)  # an open run of this runbook records it
        if block.step is not None:
            self.current_step = block.step
        self.next_command = n + 1
        return True

    def copy_inline(self, k: int) -> bool:
        result = self._result()
        if result is None or not 1 <= k <= len(result.inline_code):
            return False
        res = self._guarded(result.inline_code[k - 1], (), "This inline command")
        if res is None:
            return False
        self.to_clipboard(res, "inline code")
        self.win.runs.copied(res.text)
        return True

    def hint_inline(self, k: int) -> None:
        """A single click on inline code: the clipboard stays as it is; say how to copy."""
        result = self._result()
        if result is None or not 1 <= k <= len(result.inline_code):
            return
        text = result.inline_code[k - 1]
        shown = text if len(text) <= 60 else text[:57] + "…"
        messages.info(f"Double-click to copy `{shown}` (a single click does not copy)", 4000)

    def _guarded(
        self, clean: str, names: tuple[str, ...], what: str
    ) -> copyrules.CopyResult | None:
        """The copy rules plus the questions: unfilled placeholders, then destructive
        or values holding shell metacharacters (a refused value: nothing is copied).

        Unfilled placeholders are never copied silently: the user types their
        values (kept as incident variables, as in the Variables panel) or says
        "copy anyway", which keeps the ``<name>`` visible. None: not copied.
        """
        res = copyrules.prepare_copy(clean, self.win.settings.variables, names)
        if res.refused:
            return self._refused(res, what)
        if res.unfilled:
            answer = dialogs.ask_placeholders(self.win, what, res.text, res.unfilled)
            if answer is None:
                messages.warning(
                    f"Not copied: {what.lower()} needs {', '.join(res.unfilled)} "
                    "(set them in the Variables tab or in the reader).",
                    8000,
                )
                return None
            if isinstance(answer, dict):
                for name, value in answer.items():
                    self.win.variables.set_variable(name, value)
                res = copyrules.prepare_copy(clean, self.win.settings.variables, names)
                if res.refused:
                    return self._refused(res, what)
        more: dict = {"unfilled": res.unfilled} if res.unfilled else {}
        if res.values:
            more.update(values=res.values, spans=res.value_spans)
        if res.destructive and not dialogs.confirm_destructive(
            self.win, res.text, res.destructive, **more
        ):
            messages.warning(f"Not copied: {what.lower()} is destructive and was not confirmed.")
            return None
        asked_values = not res.destructive and res.values
        if asked_values and not dialogs.confirm_values(
            self.win, res.text, res.values, res.value_spans
        ):
            messages.warning(f"Not copied: {what.lower()} — {'; '.join(res.values)}.")
            return None
        return res

    def _refused(self, res: copyrules.CopyResult, what: str) -> None:
        """A value that cannot be literal where its placeholder sits: nothing is copied."""
        messages.warning(
            f"Not copied: {what.lower()} — {'; '.join(res.refused)}. "
            "Change the value in the Variables tab.",
            10000,
        )

    def copy_text(self, text: str, what: str) -> None:
        self.to_clipboard(copyrules.prepare_copy(text, {}), what)

    def to_clipboard(self, res: copyrules.CopyResult, what: str) -> None:
        QGuiApplication.clipboard().setText(res.text)
        self.last_copy = res
        lines = res.text.count("\n") + 1
        msg = f"Copied {what} ({lines} line{'s' if lines != 1 else ''})"
        if res.filled:
            msg += " — filled " + ", ".join(res.filled)
        warnings = res.warnings()
        if warnings:
            msg += " — " + " — ".join(warnings)
        (messages.warning if warnings else messages.info)(msg, 8000 if warnings else 4000)
        if res.unfilled:
            tip = "⚠ Copied with placeholders not filled: " + ", ".join(res.unfilled)
        elif res.removed:
            tip = "⚠ Copied — hidden characters removed"
        else:
            tip = "Copied ✓"
        QToolTip.showText(QCursor.pos(), tip, self.win.reader)

    def copy_next_command(self) -> bool:
        """Ctrl+Shift+C: the next command of the current step (then of the next step)."""
        result = self._result()
        if result is None:
            return False
        n = next_command(result.code_blocks, self.current_step, self.next_command)
        if n is None:
            messages.info("No further command in this runbook.")
            return False
        return self.copy_block(n)


def placeholders_of(result: RenderResult) -> list[str]:
    """Every placeholder name the runbook's commands use (command lines only, as the
    parser finds them: never output lines), in order of first use."""
    names: dict[str, None] = {}
    for b in result.code_blocks:
        for n in b.placeholders:
            names.setdefault(n, None)
    return list(names)
