"""The PDF driver reads only the font map lines the document uses: the TFM fonts come from
the XDV postamble, the PDF is the one XeLaTeX makes by itself, and whenever a font has no
line of its own the driver reads the full map."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from build_cv.errors import TexError, ToolMissingError
from build_cv.typeset import fontmap
from build_cv.typeset.engine import compile_tex, launch

EPOCH = 86400
DINGBATS = (
    "\\documentclass{article}\\usepackage{pifont}\\begin{document}"
    "Tick \\ding{51} and $x^2 + y$.\\end{document}\n"
)
VIRTUAL = (  # Times in T1 is a virtual font over ptmr8r: only the full map resolves it
    "\\documentclass{article}\\begin{document}\\fontencoding{T1}\\fontfamily{ptm}"
    "\\selectfont Times.\\end{document}\n"
)
NATIVE = "\\documentclass{article}\\begin{document}Only OpenType.\\end{document}\n"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What the tests find out is kept in a cache of their own, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fontmap.installation.cache_clear()
    yield
    fontmap.installation.cache_clear()


def _xelatex_alone(tex: str, folder: Path) -> bytes:
    """The PDF XeLaTeX makes by itself, with its own driver and the full map."""
    folder.mkdir()
    (folder / "cv.tex").write_text(tex, "utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH), "FORCE_SOURCE_DATE": "1"}
    subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "cv.tex"],
        cwd=folder,
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return (folder / "cv.pdf").read_bytes()


def _xdv(tex: str, folder: Path) -> bytes:
    folder.mkdir()
    (folder / "cv.tex").write_text(tex, "utf-8")
    subprocess.run(
        ["xelatex", "-no-pdf", "-interaction=nonstopmode", "cv.tex"],
        cwd=folder,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return (folder / "cv.xdv").read_bytes()


@pytest.mark.tex
def test_the_postamble_names_the_tfm_fonts_and_not_the_opentype_ones(tmp_path: Path) -> None:
    names = fontmap.tfm_fonts(_xdv(DINGBATS, tmp_path / "d"))
    assert names is not None
    assert "pzdr" in names and "cmmi10" in names and "cmr10" in names
    assert not [n for n in names if "lm" in n.lower()]  # Latin Modern came as OpenType
    assert fontmap.tfm_fonts(_xdv(NATIVE, tmp_path / "n")) == []


@pytest.mark.tex
@pytest.mark.parametrize("tex", [DINGBATS, VIRTUAL, NATIVE], ids=["tfm", "virtual", "native"])
@pytest.mark.parametrize("tree_free", [False, True])
def test_the_pdf_is_the_one_xelatex_makes_by_itself(
    tmp_path: Path, tex: str, tree_free: bool
) -> None:
    expected = _xelatex_alone(tex, tmp_path / "alone")
    with compile_tex(tex, source_date_epoch=EPOCH, tree_free=tree_free) as compiled:
        assert compiled.pdf.read_bytes() == expected


@pytest.mark.tex
def test_the_driver_reads_the_short_map(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proof that the driver takes the lines given: map the dingbats to another font."""
    monkeypatch.setattr(fontmap, "own_lines", lambda names, full: "pzdr CMR10 <cmr10.pfb\n")
    with compile_tex(DINGBATS, source_date_epoch=EPOCH) as compiled:
        fonts = {
            str(font.get_object()["/BaseFont"]).split("+")[-1]
            for page in PdfReader(compiled.pdf).pages
            for font in _fonts_of(page)
        }
    assert "CMR10" in fonts and "Dingbats" not in fonts


@pytest.mark.tex
def test_without_tfm_fonts_the_driver_needs_no_file_database(tmp_path: Path) -> None:
    """What the driver would look up is in its folder, and TeX's tree is out of its
    reach: asked in the driver's own sandbox and environment, kpathsea finds the copied
    glyph list there and no TFM font at all. A document with TFM fonts keeps the tree."""
    build = tmp_path / "build"
    build.mkdir()
    native, tfm = tmp_path / "native", tmp_path / "tfm"
    native.mkdir()
    tfm.mkdir()
    (build / "native.xdv").write_bytes(_xdv(NATIVE, tmp_path / "n"))
    (build / "tfm.xdv").write_bytes(_xdv(DINGBATS, tmp_path / "t"))
    assert fontmap.write_driver_files(build / "native.xdv", tmp_path / "n") == fontmap.Prepared(
        False
    )  # not said to be free of files from the tree (raw LaTeX, PDF/A): the tree stays
    assert fontmap.write_driver_files(build / "native.xdv", native, tree_free=True) == (
        fontmap.Prepared(True)
    )
    assert fontmap.write_driver_files(build / "tfm.xdv", tfm, tree_free=True) == (
        fontmap.Prepared(False)
    )
    copied = {p.name for p in native.iterdir()}
    assert {fontmap.CONFIG, fontmap.FONTS, *fontmap.GLYPH_LISTS, "kanjix.map"} <= copied

    def kpsewhich(name: str, kind: str) -> str:
        program = ["kpsewhich", "-progname=dvipdfmx", f"-format={kind}", name]
        cmd, env = launch(build, EPOCH, program, driver_dir=native, driver_alone=True)
        done = subprocess.run(cmd, env=env, cwd=build, capture_output=True, text=True)
        return done.stdout.strip()

    assert kpsewhich("glyphlist.txt", "map") in (
        "/driver/glyphlist.txt",
        str(native / "glyphlist.txt"),
    )
    assert kpsewhich("cmr10.tfm", "tfm") == ""
    assert kpsewhich("pdftex.map", "map") == ""


def _fonts_of(page: Any) -> list[Any]:
    return list(page["/Resources"].get_object()["/Font"].get_object().values())


@pytest.mark.tex
def test_a_virtual_font_gets_the_full_map(tmp_path: Path) -> None:
    names = fontmap.tfm_fonts(_xdv(VIRTUAL, tmp_path / "v"))
    installed = fontmap.installation()
    assert names is not None and installed is not None
    assert "ptmr8t" in names
    assert fontmap.own_lines(names, installed.full_map.read_text("utf-8")) is None


@pytest.mark.parametrize(
    "damage",
    [lambda x: x[:-40], lambda x: x[: len(x) // 2], lambda x: b"", lambda x: x[:-1] + b"\x00"],
)
def test_a_damaged_xdv_means_the_full_map(damage: Callable[[bytes], bytes]) -> None:
    xdv = _minimal_xdv()
    assert fontmap.tfm_fonts(xdv) == ["pzdr"]
    assert fontmap.tfm_fonts(damage(xdv)) is None


def _minimal_xdv() -> bytes:
    """A postamble as XeTeX writes it: a native font, a nop, a TFM font, then post_post."""
    post = bytes([248]) + struct.pack(">IIIIIIHH", 0, 25400000, 473628672, 1000, 0, 0, 1, 1)
    native = bytes([252]) + struct.pack(">IIH", 1, 655360, 0x0200) + bytes([4]) + b"font"
    native += struct.pack(">I", 0) + struct.pack(">I", 0xFF0000FF)  # index, colour
    tfm = bytes([243, 2]) + struct.pack(">III", 0, 655360, 655360) + bytes([0, 4]) + b"pzdr"
    body = b"\xf7" + b"\x00" * 40  # stands in for the preamble and pages
    at = len(body)
    return (
        body
        + post
        + native
        + bytes([138])
        + tfm
        + bytes([249])
        + struct.pack(">I", at)
        + b"\x07"
        + b"\xdf" * 6
    )


def test_only_each_names_own_lines_are_kept() -> None:
    full = "% comment\ncmr10 CMR10 <cmr10.pfb\npzdr Dingbats <uzdr.pfb\npzdr Other <x.pfb\n"
    assert fontmap.own_lines(["pzdr"], full) == "pzdr Dingbats <uzdr.pfb\npzdr Other <x.pfb\n"
    assert fontmap.own_lines([], full) == ""
    assert fontmap.own_lines(["cmr10", "ptmr8t"], full) is None


def test_the_configuration_changes_only_the_full_map_line() -> None:
    config = 'V  5\nf  pdftex.map\nf kanjix.map\nD  "gs ..."\n'
    assert fontmap.pruned_config(config, "short.map") == (
        'V  5\nf  short.map\nf kanjix.map\nD  "gs ..."\n'
    )
    assert fontmap.pruned_config("V  5\nf kanjix.map\n", "short.map") is None
    assert fontmap.pruned_config("f pdftex.map\nf  pdftex.map\n", "short.map") is None


@pytest.mark.tex
def test_the_drivers_own_failure_is_named() -> None:
    """The driver now runs on its own, after TeX: its fatal error still reaches the user."""
    tex = "\\documentclass{article}\\begin{document}x\\special{pdf:image (cv.log)}\\end{document}\n"
    with (
        pytest.raises(TexError, match="the PDF driver failed: pdf_link_obj"),
        compile_tex(tex, source_date_epoch=EPOCH),
    ):
        pass


@pytest.mark.tex
def test_a_missing_driver_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with XeLaTeX but no xdvipdfmx gets the package to install, not a trace."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for program in ("xelatex", "bwrap"):
        found = shutil.which(program)
        assert found is not None
        (bin_dir / program).symlink_to(found)
    monkeypatch.setenv("PATH", str(bin_dir))
    with (
        pytest.raises(ToolMissingError, match="xdvipdfmx") as caught,
        compile_tex(NATIVE, source_date_epoch=EPOCH),
    ):
        pass
    assert "texlive-xetex" in caught.value.how_to_install
