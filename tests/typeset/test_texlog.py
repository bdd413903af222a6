from __future__ import annotations

from build_cv.typeset.texlog import driver_error, first_error, missing_glyphs, overfull_boxes

FILE_LINE = """\
(./cv.tex
LaTeX Font Info:    External font `cmex10' loaded for size
./cv.tex:42: Undefined control sequence.
l.42 Some text \\textbff
                        {typo} here
Here is how much of TeX's memory you used:
"""

BANG_THEN_STOP = """\
! LaTeX Error: File `/etc/passwd.tex' not found.

Enter file name:
./cv.tex:36: Emergency stop.
<read *>
l.36 \\input{/etc/passwd}
"""

IN_PACKAGE = """\
/usr/share/texlive/texmf-dist/tex/latex/pdfx/pdfx.sty:1285: Package pdfx Error: CreationDate.
l.1285 ...
"""


def test_file_line_error_gives_message_line_and_context() -> None:
    problem = first_error(FILE_LINE)
    assert problem is not None
    assert problem.message == "Undefined control sequence."
    assert problem.tex_line == 42
    assert problem.tex_context == "Some text \\textbff"


def test_the_first_error_wins_over_the_emergency_stop_it_causes() -> None:
    problem = first_error(BANG_THEN_STOP)
    assert problem is not None
    assert problem.message == "File `/etc/passwd.tex' not found."
    assert problem.tex_line == 36


def test_errors_inside_packages_name_the_package_not_a_line_of_ours() -> None:
    problem = first_error(IN_PACKAGE)
    assert problem is not None
    assert problem.message.endswith("(in pdfx.sty, line 1285)")
    assert problem.tex_line is None


def test_clean_log_has_no_error() -> None:
    assert first_error("This is XeTeX\nOutput written on cv.xdv (5 pages).\n") is None


def test_missing_glyphs_are_read_with_their_code_points() -> None:
    log = (
        "Missing character: There is no 🚀 (U+1F680) in font [lmsans10-regular]:mapping=;!\n"
        "Missing character: There is no 🚀 (U+1F680) in font [lmsans10-bold]:mapping=;!\n"
        "Missing character: There is no λ (U+03BB) in font [lmsans10-regular]!\n"
    )
    assert [g.char for g in missing_glyphs(log)] == ["🚀", "λ"]


def test_overfull_boxes_above_the_limit_with_their_lines() -> None:
    log = (
        "Overfull \\hbox (2.22pt too wide) detected at line 47\n"
        "Overfull \\hbox (124.01646pt too wide) in alignment at lines 52--52\n"
        "Overfull \\vbox (1327.9563pt too high) has occurred while \\output is active []\n"
    )
    boxes = overfull_boxes(log)
    assert [(b.vertical, round(b.points), b.tex_line) for b in boxes] == [
        (False, 124, 52),
        (True, 1328, None),
    ]


TYPEOUT_THEN_REAL = """\
! Undefined control sequence.
LaTeX Font Info:    Trying to load font information for TS1+cmr on input line 3.
cv.tex:3: foo
(./cv.aux)
./cv.tex:9: Undefined control sequence.
l.9 \\nosuch

./cv.tex:9:  ==> Fatal error occurred, no output PDF file produced!
"""


def test_printed_lookalikes_are_passed_over_for_the_error_that_stopped_tex() -> None:
    problem = first_error(TYPEOUT_THEN_REAL)
    assert problem is not None
    assert problem.message == "Undefined control sequence."
    assert problem.tex_line == 9
    assert problem.tex_context == "\\nosuch"


def test_the_drivers_fatal_error_is_named() -> None:
    output = "Latexmk: Run number 1 of rule 'xdvipdfmx'\nxdvipdfmx:fatal: Image inclusion failed.\n"
    problem = driver_error(output)
    assert problem is not None
    assert problem.message == "the PDF driver failed: Image inclusion failed."
    assert driver_error("all fine\n") is None


def test_joiners_and_variation_selectors_are_not_missing_glyphs() -> None:
    log = "".join(
        f"Missing character: There is no {ch} (U+{ord(ch):04X}) in font [lmroman10-regular]!\n"
        for ch in "\u200d\u200c\ufe0f\ufe0e\U000e0100λ"
    )
    assert [g.char for g in missing_glyphs(log)] == ["λ"]
