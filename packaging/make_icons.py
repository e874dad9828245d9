"""Render resources/rbdesk.svg to every icon file the packages need.

Run from anywhere (no display needed):  python packaging/make_icons.py

Writes
- resources/icons/rbdesk-<N>.png for N in SIZES (Linux menus, AppStream, docs),
- packaging/windows/rbdesk.ico (PNG-compressed entries 16..256, Vista and later),
- packaging/macos/rbdesk.icns (PNG entries 16..1024, what `iconutil` would make).
The outputs are committed; rerun after changing the SVG.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SVG = REPO_ROOT / "resources" / "rbdesk.svg"
ICONS_DIR = REPO_ROOT / "resources" / "icons"
ICO_FILE = REPO_ROOT / "packaging" / "windows" / "rbdesk.ico"
ICNS_FILE = REPO_ROOT / "packaging" / "macos" / "rbdesk.icns"
SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns element types holding PNG data, by pixel size (the @2x ones share sizes).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),
    (b"icp6", 64),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),
    (b"ic09", 512),
    (b"ic14", 512),
    (b"ic10", 1024),
)


def icon_path(size: int, icons_dir: Path = ICONS_DIR) -> Path:
    """Where the PNG of one size lives."""
    return icons_dir / f"rbdesk-{size}.png"


class SvgRasterizer:
    """Renders one SVG to PNG bytes at any square size (Qt, offscreen)."""

    def __init__(self, svg: Path = SVG) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtSvg import QSvgRenderer

        self._app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
        self._renderer = QSvgRenderer(str(svg))
        if not self._renderer.isValid():
            raise SystemExit(f"make_icons: {svg} is not a valid SVG")

    def png(self, size: int) -> bytes:
        """PNG bytes of the icon at size x size, transparent background, antialiased."""
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
        from PySide6.QtGui import QImage, QPainter

        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self._renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise SystemExit(f"make_icons: could not encode the {size}px PNG")
        buffer.close()
        return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG entry per size (256 is stored as 0)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns_bytes(elements: list[tuple[bytes, bytes]]) -> bytes:
    """A macOS .icns: 'icns' + total length, then (type, length, data) elements."""
    body = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in elements)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def render_all(svg: Path = SVG) -> list[Path]:
    """Write the PNGs, the .ico and the .icns; return the files written."""
    raster = SvgRasterizer(svg)
    wanted = sorted({*SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: raster.png(size) for size in wanted}
    written = [_write(icon_path(size), pngs[size]) for size in SIZES]
    written.append(_write(ICO_FILE, ico_bytes({s: pngs[s] for s in ICO_SIZES})))
    written.append(_write(ICNS_FILE, icns_bytes([(kind, pngs[s]) for kind, s in ICNS_TYPES])))
    return written


if __name__ == "__main__":
    for path in render_all():
        print(f"{path.relative_to(REPO_ROOT)}  ({path.stat().st_size} bytes)")
