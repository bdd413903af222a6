"""Pages of the checked PDF as PNG images, rendered with PDFium (pypdfium2).

pypdfium2 ships PDFium in its wheel, so no system library or subprocess is involved, and
it renders in well under a second. The PNG is encoded here with zlib rather than through
Pillow: the bytes then depend only on the pixels and zlib, and the tests read back
exactly what this module writes (they compare pixels, never encoder output).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import pypdfium2

from build_cv import pdfium
from build_cv.errors import BuildCVError
from build_cv.formats import Choices

DPI = 150  # an A4 page 1241 px wide: body text is about 18 px high
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class RenderError(BuildCVError):
    """PDFium could not open or draw the PDF; the PDF itself was already checked."""


@dataclass(frozen=True)
class Image:
    """An 8-bit RGB image: rows of width * 3 bytes, top to bottom."""

    width: int
    height: int
    rgb: bytes


def render_pages(pdf: bytes, pages: int | None = 1, dpi: int = DPI) -> list[Image]:
    """The first `pages` pages (None: all) of `pdf` as images at `dpi`."""
    with pdfium.LOCK:
        try:
            doc = pypdfium2.PdfDocument(pdf)
        except pypdfium2.PdfiumError as exc:
            raise RenderError(f"cannot render the PDF: {exc}") from None
        try:
            count = len(doc) if pages is None else min(pages, len(doc))
            return [_render(doc[i], dpi) for i in range(count)]
        finally:
            doc.close()


def _render(page: pypdfium2.PdfPage, dpi: int) -> Image:
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True, draw_annots=False)
    try:
        data = bytes(bitmap.buffer)
        row = bitmap.width * 3
        rows = (data[y * bitmap.stride : y * bitmap.stride + row] for y in range(bitmap.height))
        return Image(bitmap.width, bitmap.height, b"".join(rows))
    finally:
        bitmap.close()
        page.close()


def encode_png(image: Image) -> bytes:
    """A minimal PNG: one IDAT, no filter, no metadata, so the same pixels give equal bytes."""
    row = image.width * 3
    raw = b"".join(b"\x00" + image.rgb[y * row : (y + 1) * row] for y in range(image.height))
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def write(pdf: bytes, choices: Choices) -> list[bytes]:
    """Each page asked for (`choices.pages`) as a PNG file, as the formats table calls a
    writer that reads the checked PDF."""
    return [encode_png(image) for image in render_pages(pdf, choices.pages)]
