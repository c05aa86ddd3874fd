#!/usr/bin/env python3
"""Render the application icon for every platform from its one SVG source.

    .venv/bin/python packaging/make_icons.py [--out packaging/icons]

Source: ``resources/icons/alliance-desktop.svg`` (hand-written; the app itself
uses it directly as its window icon). Output, all deterministic for a given Qt
version, so re-running changes no bytes:

- ``hicolor/<n>x<n>/apps/alliance-desktop.png`` for n in 16 ... 512: the Linux
  icon-theme layout the ``.desktop`` file refers to by name;
- ``alliance-desktop.ico`` (Windows: 16, 24, 32, 48, 64, 128, 256 in one file;
  the exe icon in the spec and the installer's shortcut icon);
- ``alliance-desktop.icns`` (macOS: 16 ... 1024 incl. the @2x variants).

Why the ICO and ICNS containers are written here rather than by
``QImageWriter``: Qt can write both formats, but only one image per file,
and Windows/macOS pick the size closest to what they need from the set in
the file. Both containers are simple (a directory of PNG images), so a few
lines of ``struct`` do it without Pillow or iconutil.
"""

from __future__ import annotations

import argparse
import struct
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "alliance-desktop.svg"
DEFAULT_OUT = ROOT / "packaging" / "icons"
NAME = "alliance-desktop"

#: Sizes of the Linux hicolor theme that desktops ask for (menus 16-48, docks and launchers 64-512).
PNG_SIZES: tuple[int, ...] = (16, 22, 24, 32, 48, 64, 128, 256, 512)
#: The Windows set: Explorer views, the taskbar and high-DPI shortcuts.
ICO_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)
#: macOS element types that hold PNG data, with their pixel size.
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
    (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG drawn into a transparent ``size``×``size`` image, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG"):
        raise RuntimeError(f"could not encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: Sequence[tuple[int, bytes]]) -> bytes:
    """An ICO file holding PNG-compressed images (readable by Windows Vista and later).

    Layout: ICONDIR (reserved 0, type 1, count), one 16-byte ICONDIRENTRY per
    image (width and height as a byte, 0 meaning 256; colour count 0; planes 1;
    32 bits per pixel; data size; data offset), then the PNG data.
    """
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = [], []
    for size, png in pngs:
        if not 1 <= size <= 256:
            raise ValueError(f"ICO images are at most 256 px, not {size}")
        edge = 0 if size == 256 else size
        entries.append(struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset))
        blobs.append(png)
        offset += len(png)
    return header + b"".join(entries) + b"".join(blobs)


def icns_bytes(elements: Iterable[tuple[bytes, bytes]]) -> bytes:
    """An ICNS file: 'icns' + total length, then (type, 8 + data length, PNG data) per element, big-endian."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in elements)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(out: Path = DEFAULT_OUT, source: Path = SOURCE) -> list[Path]:
    """Write every icon file into ``out``; returns the files written."""
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {source} is not a valid SVG")
    cache: dict[int, bytes] = {}

    def png(size: int) -> bytes:
        if size not in cache:
            cache[size] = render_png(renderer, size)
        return cache[size]

    written = []
    for size in PNG_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png(size))
        written.append(target)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(source.read_bytes())
    written.append(scalable)
    ico = out / f"{NAME}.ico"
    ico.write_bytes(ico_bytes([(size, png(size)) for size in ICO_SIZES]))
    icns = out / f"{NAME}.icns"
    icns.write_bytes(icns_bytes((kind, png(size)) for kind, size in ICNS_TYPES))
    written += [ico, icns]
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the Alliance Desktop icon (PNG sizes, .ico, .icns).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    # QSvgRenderer and QImage need a Gui application; offscreen so it also runs without a display.
    if QGuiApplication.instance() is None:
        _app = QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    for path in make_icons(args.out):
        print(path.relative_to(args.out) if path.is_relative_to(args.out) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
