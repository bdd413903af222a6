"""Issue 11: raw LaTeX cannot reach files outside the build, whatever mechanism it uses.

Every attack runs through the real engine (XeTeX and xdvipdfmx). Each is also run
without the sandbox, where the ones that get past `openin_any` must leak: that proves the
leak detector works and that the sandbox, not luck, is what holds.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import uuid
import zlib
from ast import literal_eval
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from build_cv.errors import TexError
from build_cv.preflight import extract_text
from build_cv.typeset import sandbox
from build_cv.typeset.engine import compile_tex
from tests.conftest import needs

FONT = "lmmono8-regular.otf"  # a font the test document itself never uses


@dataclass(frozen=True)
class Secrets:
    """Files outside the build directory and the TeX tree, each holding `token`."""

    token: str
    directory: Path

    @property
    def font_name(self) -> str:
        return "LMMono8-Regular"


@pytest.fixture(scope="module")
@needs("tex")  # kpsewhich finds the font
def secrets(tmp_path_factory: pytest.TempPathFactory) -> Secrets:
    directory = tmp_path_factory.mktemp("outside")
    token = f"BUILDCV-SECRET-{uuid.uuid4().hex}"
    (directory / "secret.txt").write_text(f"{token}\n", "ascii")
    (directory / "secret.tex").write_text(f"{token}\n", "ascii")
    _secret_pdf(directory / "secret.pdf", token)
    _secret_png(directory / "secret.png", token.encode())
    font = subprocess.run(["kpsewhich", FONT], capture_output=True, text=True, check=True)
    shutil.copyfile(font.stdout.strip(), directory / "private.otf")
    return Secrets(token, directory)


def _secret_pdf(path: Path, token: str) -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 10 10 Td ({token}) Tj ET".encode())
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.write(path)


def _secret_png(path: Path, pixels: bytes) -> None:
    """One row of 8-bit grey pixels that are the token's bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", len(pixels), 1, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" + pixels))
        + chunk(b"IEND", b"")
    )


# name -> (LaTeX with {d} for the secrets' directory, leaks without the sandbox)
ATTACKS: dict[str, tuple[str, bool]] = {
    "driver fstream": (
        r"\special{{pdf:fstream @s ({d}/secret.txt)}}\special{{pdf:put @catalog <</L @s>>}}",
        True,
    ),
    "driver fstream /etc/passwd": (
        r"\special{{pdf:fstream @s (/etc/passwd)}}\special{{pdf:put @catalog <</L @s>>}}",
        True,
    ),
    "driver image": (
        r"\special{{pdf:image @i ({d}/secret.pdf)}}\special{{pdf:put @catalog <</L @i>>}}",
        True,
    ),
    "driver image, relative path": (
        r"\special{{pdf:image @i (../../../../../../../..{d}/secret.pdf)}}"
        r"\special{{pdf:put @catalog <</L @i>>}}",
        True,
    ),
    "includegraphics by absolute path": (r"\includegraphics{{{d}/secret.pdf}}", True),
    "XeTeXpdffile": (r'\XeTeXpdffile "{d}/secret.pdf" ', True),
    "XeTeXpicfile": (r'\XeTeXpicfile "{d}/secret.png" ', True),
    "XeTeXpdfpagecount probe": (
        r'\ifnum\XeTeXpdfpagecount "{d}/secret.pdf" >0 PROBEFOUND\fi',
        True,
    ),
    "input from a pipe": (r'\input|"cat {d}/secret.txt" ', False),
    "font by path": (r'\font\x="[{d}/private.otf]" \x Hello', False),
    "fontspec Path": (r"\fontspec[Path={d}/]{{private.otf}}Hello", False),
    "input": (r"\input{{{d}/secret.tex}}", False),
    "input, relative": (r"\input{{../../../../../../../..{d}/secret.tex}}", False),
    "openin and read": (
        r"\newread\r\immediate\openin\r={d}/secret.txt \ifeof\r\else\read\r to\x \x\fi",
        False,
    ),
    "probe with IfFileExists": (r"\IfFileExists{{{d}/secret.txt}}{{PROBEFOUND}}{{}}", False),
    "probe with openin": (
        r"\newread\r\immediate\openin\r={d}/secret.txt \ifeof\r\else PROBEFOUND\fi",
        False,
    ),
    "environment through /proc": (
        r"\special{{pdf:fstream @s (/proc/self/environ)}}\special{{pdf:put @catalog <</L @s>>}}",
        True,
    ),
}


def document(attack: str, secrets: Secrets) -> str:
    body = ATTACKS[attack][0].format(d=secrets.directory)
    return (
        "\\documentclass{article}\\usepackage{graphicx}\\usepackage{fontspec}\n"
        f"\\begin{{document}}\nVisible text.\n{body}\n\\end{{document}}\n"
    )


def streams(pdf: bytes) -> list[bytes]:
    """The PDF's bytes and every Flate stream in it, decompressed."""
    found = [pdf]
    for m in re.finditer(rb"stream\r?\n", pdf):
        try:
            found.append(zlib.decompressobj().decompress(pdf[m.end() :]))
        except zlib.error:
            continue
    return found


def font_names(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        resources: Any = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")).split("+")[-1])
    return names


def leaks(pdf: Path, secrets: Secrets) -> list[str]:
    """What of the secrets reached the PDF."""
    tells = [secrets.token.encode(), b"root:x:0:0", b"BUILD_CV_CANARY=1"]
    found = [tell.decode() for tell in tells if any(tell in s for s in streams(pdf.read_bytes()))]
    if "PROBEFOUND" in extract_text(PdfReader(pdf)):
        found.append("the probe found the file")
    if secrets.font_name in font_names(pdf):
        found.append(f"the font {secrets.font_name}")
    return found


def compile_attack(attack: str, secrets: Secrets) -> list[str] | None:
    """The leaks, or None when TeX refused to build at all."""
    try:
        with compile_tex(document(attack, secrets), source_date_epoch=0, timeout=60) as done:
            return leaks(done.pdf, secrets)
    except TexError:
        return None


@pytest.fixture
def secrets_dir(secrets: Secrets) -> Path:
    return secrets.directory


@pytest.fixture
def unsandboxed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bubblewrap that cannot run, as in an unprivileged container."""
    monkeypatch.setenv(sandbox.BWRAP_ENV, "/bin/false")
    assert not sandbox.probe().works


@pytest.fixture
def canary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUILD_CV_CANARY", "1")


@pytest.mark.tex
def test_isolation_works_on_this_machine() -> None:
    isolation = sandbox.probe()
    assert isolation.works, isolation.detail


@pytest.mark.tex
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_sandboxed_tex_leaks_nothing(attack: str, secrets: Secrets, canary: None) -> None:
    leaked = compile_attack(attack, secrets)
    assert not leaked, f"{attack} leaked {leaked}"


@pytest.mark.tex
@pytest.mark.parametrize("attack", [a for a, (_, leaks) in ATTACKS.items() if leaks])
def test_without_the_sandbox_the_same_attack_leaks(
    attack: str, secrets: Secrets, unsandboxed: None, canary: None
) -> None:
    leaked = compile_attack(attack, secrets)
    assert leaked, f"{attack} was expected to leak without the sandbox"


@pytest.mark.tex
def test_the_sandbox_keeps_normal_output_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    tex = (
        "\\documentclass{article}\\usepackage{hyperref}\\begin{document}"
        "Same bytes \\href{https://example.org}{link}.\\end{document}\n"
    )
    monkeypatch.setenv(sandbox.BWRAP_ENV, "/bin/false")
    with compile_tex(tex, source_date_epoch=86400) as plain:
        unsandboxed_pdf = plain.pdf.read_bytes()
    monkeypatch.delenv(sandbox.BWRAP_ENV)
    assert sandbox.probe().works
    with compile_tex(tex, source_date_epoch=86400) as isolated:
        assert isolated.pdf.read_bytes() == unsandboxed_pdf


def test_a_missing_bubblewrap_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sandbox.BWRAP_ENV, "/nonexistent/bwrap")
    isolation = sandbox.probe()
    assert not isolation.works
    assert "bubblewrap" in isolation.detail


def test_inside_only_the_tree_and_the_build_directory_exist(
    tmp_path: Path, secrets_dir: Path
) -> None:
    """The mechanism itself, without TeX: what a program in the sandbox can see and do."""
    bwrap = sandbox.bwrap_program()
    assert bwrap is not None
    build = tmp_path / "build"
    build.mkdir()
    script = (
        "import os, socket, sys\n"
        "print(sorted(os.listdir('/')))\n"
        f"print(os.path.exists({str(secrets_dir)!r}), os.path.exists('/etc/passwd'),"
        " os.path.exists('/root'), os.path.exists('/home'), os.path.exists('/proc/1'))\n"
        "print([name for _, name in socket.if_nameindex()])\n"
        "open('/build/made-inside', 'w').write('ok')\n"
        "try:\n    open('/usr/made-inside', 'w')\nexcept OSError as e:\n    print('usr', e.errno)\n"
        "print(sorted(os.environ))\n"
    )
    done = subprocess.run(
        [*sandbox.command(bwrap, build), "python3", "-c", script],
        env=sandbox.environment({"openin_any": "p"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    root, visible, interfaces, usr, env = done.stdout.splitlines()
    allowed = {"bin", "build", "dev", "etc", "lib", "lib64", "sbin", "tmp", "usr", "var"}
    assert set(literal_eval(root)) <= allowed
    assert visible == "False False False False False"
    assert literal_eval(interfaces) == ["lo"]  # no network but loopback
    assert (build / "made-inside").read_text() == "ok"
    assert usr == "usr 30"  # EROFS: the tree is read-only
    python_adds = {"LC_CTYPE", "PWD"}  # set by Python's locale coercion, by bwrap --chdir
    assert set(literal_eval(env)) - python_adds == {"HOME", "PATH", "openin_any"}
