"""Render resources/rbdesk.svg to the PNG icon sizes in resources/icons/.

Run from anywhere (no display needed):  python packaging/make_icons.py
Writes resources/icons/rbdesk-<N>.png for N in SIZES; the .desktop file, the
AppStream metainfo, install-desktop-entry.sh and the macOS/Windows notes use them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SVG = REPO_ROOT / "resources" / "rbdesk.svg"
ICONS_DIR = REPO_ROOT / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def icon_path(size: int, icons_dir: Path = ICONS_DIR) -> Path:
    """Where the PNG of one size lives."""
    return icons_dir / f"rbdesk-{size}.png"


def render(svg: Path = SVG, icons_dir: Path = ICONS_DIR, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Render svg once per size (transparent background, antialiased); return the files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    icons_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        out = icon_path(size, icons_dir)
        if not image.save(str(out), "PNG"):
            raise SystemExit(f"make_icons: could not write {out}")
        written.append(out)
    return written


if __name__ == "__main__":
    for path in render():
        print(path.relative_to(REPO_ROOT))
