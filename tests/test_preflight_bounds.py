"""`build-cv check` bounds the time and memory one PDF may cost.

A PDF of one megabyte can hold a stream that inflates to a gigabyte. Each bomb here is
made in the test (Flate output built a megabyte at a time, so the test never holds the
gigabyte either) and checked in a child process, whose wall time and peak memory are
measured from outside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from functools import cache
from pathlib import Path

import pytest

GB = 1 << 30
MAX_SECONDS = 5.0  # "about a second" of work, on a shared, loaded test machine
MAX_PEAK_MB = 300  # the interpreter, pypdf and PDFium themselves take about 60

# Runs the command given to it and prints its exit code, output, wall time and the peak
# resident memory of that child alone (RUSAGE_CHILDREN of this small parent).
RUNNER = """
import json, resource, subprocess, sys, time
start = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
took = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr,
                  "seconds": took, "peak_kb": peak}))
"""


@cache
def inflating(size: int) -> bytes:
    """Flate data that inflates to `size` bytes of spaces."""
    deflate = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [deflate.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + deflate.flush()


def flate_stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n%s\nendstream" % (
        len(data),
        extra,
        data,
    )


def assemble(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R%s >>"
TEXT = b"BT /F1 12 Tf 72 720 Td (Ada Lovelace, notes on the Analytical Engine) Tj ET"


def content_bomb() -> bytes:
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Lang (en) >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % b"",
            flate_stream(inflating(GB)),
        ]
    )


def metadata_bomb() -> bytes:
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Lang (en) /Metadata 5 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % b"",
            flate_stream(zlib.compress(TEXT)),
            flate_stream(inflating(GB), b"/Type /Metadata /Subtype /XML "),
        ]
    )


def font_map_bomb() -> bytes:
    font = b"/Resources << /Font << /F1 5 0 R >> >>"
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Lang (en) >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % font,
            flate_stream(zlib.compress(TEXT)),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
            flate_stream(inflating(GB)),
        ]
    )


def shared_content_bomb() -> bytes:
    """Five hundred pages drawing one content stream of 1 MB: half a gigabyte to read."""
    pages = 500
    kids = b" ".join(b"%d 0 R" % n for n in range(5, 5 + pages))
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Lang (en) >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< >>",
            flate_stream(inflating(1 << 20)),
            *[PAGE % b"" for _ in range(pages)],
        ]
    )


def inline_image_bomb() -> bytes:
    """A one-pixel inline image whose Flate data inflates to a gigabyte: its content
    stream, compressed again, is a few kilobytes."""
    image = b"BI /W 1 /H 1 /CS /G /BPC 8 /F /Fl ID " + inflating(GB) + b" EI"
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Lang (en) >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % b"",
            flate_stream(zlib.compress(b"q 10 0 0 10 0 0 cm " + image + b" Q")),
        ]
    )


BOMBS = {
    "page content": content_bomb,
    "XMP metadata": metadata_bomb,
    "a font's ToUnicode map": font_map_bomb,
    "content shared by 500 pages": shared_content_bomb,
    "an inline image": inline_image_bomb,
}


def checked(pdf: Path) -> dict[str, object]:
    command = [sys.executable, "-m", "build_cv", "check", str(pdf)]
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *command], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("where", list(BOMBS))
def test_a_decompression_bomb_is_refused_quickly_in_little_memory(
    tmp_path: Path, where: str
) -> None:
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(BOMBS[where]())
    assert pdf.stat().st_size < 1_100_000
    run = checked(pdf)
    assert run["code"] == 1, run["err"]
    assert "FAIL  streams" in str(run["out"]) and "a decompression bomb" in str(run["out"])
    assert float(str(run["seconds"])) < MAX_SECONDS
    assert int(str(run["peak_kb"])) < MAX_PEAK_MB * 1024
