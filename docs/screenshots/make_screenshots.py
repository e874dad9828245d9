"""Make docs/screenshots/main-{light,dark}.png of the main window on the sample library.

Run under Xvfb:  xvfb-run -s "-screen 0 1400x900x24" python docs/screenshots/make_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def shoot(theme: str, query: str, ref: str, anchor_text: str, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from rbdesk.core.library import Library
    from rbdesk.core.settings import Settings
    from rbdesk.ui.app import create_app
    from rbdesk.ui.mainwindow import MainWindow

    app = create_app()
    data = tempfile.mkdtemp(prefix="rbdesk-shot-")
    settings = Settings(theme=theme)
    settings.set_variable("NAMESPACE", "checkout")
    win = MainWindow(Library(data), settings)
    win.resize(1400, 860)
    win.show()

    def wait(signal, ms: int = 10000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    wait(win.results_shown)
    win.search_box.setText(query)
    wait(win.results_shown)
    win.open_ref(ref)
    wait(win.document_shown)
    doc = win.current
    target = next(
        (h.anchor for h in doc.result.headings if anchor_text.lower() in h.title.lower()), ""
    )
    win.scroll_to(target)
    first_shell = next((b.index for b in doc.result.code_blocks if not b.destructive), 1)
    win.copy_block(first_shell)
    win.search_box.setFocus()
    loop = QEventLoop()
    QTimer.singleShot(400, loop.quit)
    loop.exec()
    app.processEvents()
    win.grab().save(str(out))
    win.close()
    print(f"{out}: {win.windowTitle()}")


if __name__ == "__main__":
    query = sys.argv[1] if len(sys.argv) > 1 else "latency"
    ref = sys.argv[2] if len(sys.argv) > 2 else "alerts/CheckoutHighLatency.md"
    section = sys.argv[3] if len(sys.argv) > 3 else "Diagnos"
    shoot("light", query, ref, section, HERE / "main-light.png")
    shoot("dark", query, ref, section, HERE / "main-dark.png")
