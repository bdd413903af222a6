"""PNG pages of the real PDF, and the README's preview kept in step with the data."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from build_cv.formats.png.writer import Image, encode_png, render_pages
from build_cv.pipeline.build import BuildOptions, BuildResult, build
from tests.conftest import MINIMAL, ROOT

PREVIEW = ROOT / "docs" / "preview.png"
PREVIEW_ZH = ROOT / "docs" / "preview-zh.png"
SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Two pages of a list: a CV long enough for a second page image.
LONG: dict[str, object] = {
    **MINIMAL,
    "sections": [
        {
            "kind": "list",
            "title": "Many",
            "entries": [f"Line {i} of a list long enough for two pages" for i in range(90)],
        }
    ],
}


def decode_png(data: bytes) -> Image:
    """Read back a PNG as `encode_png` writes it (8-bit RGB, no interlace, no filters)."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    pos, idat, width, height = len(SIGNATURE), b"", 0, 0
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


def test_encoding_is_lossless_and_deterministic() -> None:
    pixels = bytes((x * 7 + y * 13) % 256 for y in range(5) for x in range(4 * 3))
    image = Image(4, 5, pixels)
    png = encode_png(image)
    assert decode_png(png) == image
    assert encode_png(decode_png(png)) == png
    with pytest.raises(ValueError, match="not a PNG"):
        decode_png(b"GIF89a")


def difference(a: Image, b: Image) -> float:
    """The share of colour values that differ by more than a rendering's rounding."""
    assert (a.width, a.height) == (b.width, b.height)
    differ = sum(abs(x - y) > 24 for x, y in zip(a.rgb, b.rgb, strict=True))
    return differ / len(a.rgb)


def assert_preview(build: BuildResult, preview: Path) -> None:
    fresh = render_pages(build.pdf.read_bytes())[0]
    assert (fresh.width, fresh.height) == (1241, 1754), "A4 at 150 dpi"
    assert len(set(fresh.rgb)) > 50, "a rendered page, not a blank one"
    share = difference(fresh, decode_png(preview.read_bytes()))
    # One character changed in the summary changes 7e-5 of the values; another PDFium's
    # anti-aliasing changes far fewer by more than the threshold.
    assert share < 1e-5, f"docs/{preview.name} is out of date ({share:.4%}): run `make preview`"


@pytest.mark.tex
def test_the_readme_preview_is_page_one_of_the_current_cv(default_build: BuildResult) -> None:
    assert_preview(default_build, PREVIEW)


@pytest.mark.tex
def test_the_readme_chinese_preview_is_page_one_of_the_chinese_cv(zh_build: BuildResult) -> None:
    assert_preview(zh_build, PREVIEW_ZH)


@pytest.mark.tex
def test_png_alone_draws_every_page_without_publishing_the_pdf(
    write_cv: Callable[[dict[str, object]], Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (outcome,) = build(write_cv(LONG), out, BuildOptions(formats=("png",), pages=None)).outcomes
    assert outcome.error is None
    assert not (out / "cv.pdf").exists()
    first, second = decode_png((out / "cv.png").read_bytes()), (out / "cv.page-2.png")
    assert first.width == 1241 and second.exists()
    assert decode_png(second.read_bytes()).rgb != first.rgb


@pytest.mark.tex
def test_pages_an_earlier_build_drew_are_not_left_behind(
    write_cv: Callable[[dict[str, object]], Path], tmp_path: Path
) -> None:
    """After `--pages all` of a longer CV, a build of one page leaves only its own page:
    a stale `cv.page-2.png` would be published beside the new `cv.png`."""
    out = tmp_path / "out"
    data = write_cv(LONG)
    assert build(data, out, BuildOptions(formats=("png",), pages=None)).outcomes[0].result
    assert (out / "cv.page-2.png").exists()
    (out / "cv.page-7.png").write_bytes(b"an older, longer CV's")
    (out / "cv-short.page-2.png").write_bytes(b"another target's")
    assert build(data, out, BuildOptions(formats=("png",))).outcomes[0].result
    assert sorted(p.name for p in out.glob("*.png")) == ["cv-short.page-2.png", "cv.png"]
