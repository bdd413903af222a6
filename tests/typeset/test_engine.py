"""typeset/engine.py on tiny documents, with the real XeLaTeX."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from build_cv.errors import TexError, TexTimeoutError, ToolMissingError
from build_cv.typeset.engine import Started, compile_tex, tex_environment

HELLO = r"\documentclass{article}\begin{document}Hello \today.\end{document}"


def test_sandbox_environment(tmp_path: Path) -> None:
    env = tex_environment(1718409600, tmp_path)
    assert env["openin_any"] == "p"
    assert env["openout_any"] == "p"
    assert env["shell_escape"] == "f"
    assert env["SOURCE_DATE_EPOCH"] == "1718409600"
    assert env["FORCE_SOURCE_DATE"] == "1"
    assert env["TEXMFOUTPUT"] == str(tmp_path)


@pytest.mark.tex
def test_compiles_in_a_private_directory_that_is_removed() -> None:
    with compile_tex(HELLO, source_date_epoch=1718409600) as compiled:
        build_dir = compiled.build_dir
        assert compiled.pdf.read_bytes().startswith(b"%PDF-")
        assert "Output written on cv.xdv" in compiled.log
        assert compiled.missing == []
    assert not build_dir.exists()


@pytest.mark.tex
def test_the_epoch_fixes_the_bytes() -> None:
    digests = set()
    for _ in range(2):
        with compile_tex(HELLO, source_date_epoch=1718409600) as compiled:
            digests.add(hashlib.sha256(compiled.pdf.read_bytes()).hexdigest())
    with compile_tex(HELLO, source_date_epoch=946684800) as compiled:
        other = hashlib.sha256(compiled.pdf.read_bytes()).hexdigest()
    assert len(digests) == 1
    assert other not in digests


@pytest.mark.tex
def test_first_error_and_its_line() -> None:
    tex = "\\documentclass{article}\n\\begin{document}\nfine\n\\nosuchmacro\n\\end{document}\n"
    with pytest.raises(TexError) as info, compile_tex(tex, source_date_epoch=0):
        pass
    assert info.value.problem.message == "Undefined control sequence."
    assert info.value.problem.tex_line == 4


@pytest.mark.tex
def test_a_looping_run_is_stopped() -> None:
    tex = r"\documentclass{article}\begin{document}\def\x{\x}\x\end{document}"
    with pytest.raises(TexTimeoutError), compile_tex(tex, source_date_epoch=0, timeout=3):
        pass


@pytest.mark.tex
def test_a_run_asking_for_input_fails_instead_of_waiting() -> None:
    tex = r"\documentclass{article}\begin{document}\read16 to \answer\end{document}"
    with pytest.raises(TexError) as info, compile_tex(tex, source_date_epoch=0, timeout=60):
        pass
    assert info.value.problem.message == (
        "Emergency stop: TeX asked for input from the terminal (a \\read)"
    )


@pytest.mark.tex
def test_printed_text_that_looks_like_an_error_does_not_fail_a_good_run() -> None:
    tex = (
        "\\documentclass{article}\n\\typeout{! Undefined control sequence.}\n"
        "\\typeout{cv.tex:3: foo}\\typeout{! Emergency stop.}\n"
        "\\begin{document}Fine.\\end{document}\n"
    )
    with compile_tex(tex, source_date_epoch=0) as compiled:
        assert "cv.tex:3: foo" in compiled.log
        assert compiled.pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.tex
def test_a_failing_driver_fails_the_run_and_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pdf"
    tex = (
        "\\documentclass{article}\\begin{document}Hi"
        f"\\special{{pdf:image @i ({missing})}}\\special{{pdf:put @catalog <</L @i>>}}"
        "\\end{document}\n"
    )
    with pytest.raises(TexError) as info, compile_tex(tex, source_date_epoch=0):
        pass
    assert info.value.problem.message.startswith("the PDF driver failed: Image inclusion failed")


@pytest.mark.tex
def test_a_document_that_never_settles_fails_and_says_so() -> None:
    """The label gains a digit each run, so the .aux never repeats and no pass is the last."""
    tex = (
        "\\documentclass{article}\\begin{document}\\makeatletter"
        "\\@ifundefined{r@x}{\\def\\prev{0}}{\\edef\\prev{\\expandafter\\@firstoftwo\\r@x}}"
        "\\immediate\\write\\@auxout{\\string\\newlabel{x}{{\\the\\numexpr\\prev*10+1\\relax}{1}}}"
        "\\makeatother Run \\ref{x}.\\end{document}\n"
    )
    with pytest.raises(TexError) as info, compile_tex(tex, source_date_epoch=0):
        pass
    assert info.value.problem.message.startswith("the document never settled")


@pytest.mark.tex
def test_a_pass_started_early_compiles_the_same_bytes() -> None:
    """TeX reads the document from a pipe, after loading its format: nothing differs."""
    with compile_tex(HELLO, source_date_epoch=1718409600) as compiled:
        from_file = compiled.pdf.read_bytes()
    started = Started(1718409600)
    time.sleep(0.5)  # TeX is waiting on the pipe by now
    with compile_tex(HELLO, source_date_epoch=1718409600, started=started) as compiled:
        assert compiled.build_dir == started.build_dir
        assert (compiled.build_dir / "cv.tex").read_text() == HELLO  # a file for later passes
        assert compiled.pdf.read_bytes() == from_file


@pytest.mark.tex
def test_a_pass_started_with_another_epoch_is_replaced() -> None:
    started = Started(946684800)
    with compile_tex(HELLO, source_date_epoch=1718409600, started=started) as compiled:
        assert compiled.build_dir != started.build_dir
        fresh = compiled.pdf.read_bytes()
    assert not started.build_dir.exists()
    with compile_tex(HELLO, source_date_epoch=1718409600) as compiled:
        assert compiled.pdf.read_bytes() == fresh


@pytest.mark.tex
def test_an_unused_pass_is_stopped_and_removed() -> None:
    started = Started(0)
    started.close()
    assert not started.build_dir.exists()
    started.close()  # twice is harmless


@pytest.mark.tex
def test_an_error_on_the_first_line_of_a_piped_document_is_found() -> None:
    """XeTeX sniffs a file's first bytes and seeks back, which a pipe cannot: the first
    characters must still reach TeX."""
    tex = "\\nosuchmacro\n\\documentclass{article}\\begin{document}x\\end{document}\n"
    with pytest.raises(TexError) as info, compile_tex(tex, source_date_epoch=0, started=Started(0)):
        pass
    assert info.value.problem.message == "Undefined control sequence."
    assert info.value.problem.tex_line == 1


@pytest.mark.tex
def test_what_runs_alongside_tex_can_stop_it() -> None:
    def missing() -> None:
        raise ToolMissingError("moderncv (needed for the CV class)", "install it")

    looping = r"\documentclass{article}\begin{document}\def\x{\x}\x\end{document}"
    start = time.monotonic()
    with (
        pytest.raises(ToolMissingError),
        compile_tex(looping, source_date_epoch=0, alongside=missing),
    ):
        pass
    assert time.monotonic() - start < 30


@pytest.mark.tex
def test_a_pass_given_the_head_compiles_the_same_bytes_when_the_document_fits() -> None:
    """The head is typeset while the rest is still unknown; the bytes do not change."""
    head, _, _ = HELLO.partition("\\begin{document}")
    with compile_tex(HELLO, source_date_epoch=0) as compiled:
        from_file = compiled.pdf.read_bytes()
    started = Started(0, head)
    assert started.fits(HELLO, 0)
    with compile_tex(HELLO, source_date_epoch=0, started=started) as compiled:
        assert compiled.build_dir == started.build_dir
        assert compiled.pdf.read_bytes() == from_file


@pytest.mark.tex
def test_a_pass_given_another_head_is_replaced() -> None:
    other = "\\documentclass{report}"
    started = Started(0, other)
    assert not started.fits(HELLO, 0)
    with compile_tex(HELLO, source_date_epoch=0, started=started) as compiled:
        assert compiled.build_dir != started.build_dir
        assert "Hello" in compiled.log or compiled.pdf.exists()
    assert not started.build_dir.exists()
