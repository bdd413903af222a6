"""Pages of the checked PDF as PNG images, rendered with PDFium (pypdfium2).

pypdfium2 ships PDFium in its wheel, so no system library or subprocess is involved, and
it renders in well under a second. The PNG is encoded here with zlib rather than through
Pillow: the bytes then depend only on the pixels and zlib, and `decode_png` reads back
exactly what this module writes (the tests compare pixels, never encoder output).
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


def decode_png(data: bytes) -> Image:
    """Read back a PNG as `encode_png` writes it (8-bit RGB, no interlace, no filters)."""
    if not data.startswith(_SIGNATURE):
        raise ValueError("not a PNG file")
    pos, idat, width, height = len(_SIGNATURE), b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if (depth, colour, body[12]) != (8, 2, 0):
                raise ValueError("only 8-bit RGB PNGs without interlacing are read")
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    return Image(width, height, _unfilter(raw, width * 3, height))


def _unfilter(raw: bytes, row: int, height: int) -> bytes:
    lines = [raw[y * (row + 1) : (y + 1) * (row + 1)] for y in range(height)]
    if any(line[0] != 0 for line in lines):
        raise ValueError("only PNGs without row filters (as encode_png writes) are read")
    return b"".join(line[1:] for line in lines)


def write(pdf: bytes, choices: Choices) -> list[bytes]:
    """Each page asked for (`choices.pages`) as a PNG file, as the formats table calls a
    writer that reads the checked PDF."""
    return [encode_png(image) for image in render_pages(pdf, choices.pages)]
