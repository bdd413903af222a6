"""The LaTeX of the record kinds (docs/kinds.md): each entry one \\cventry marked with its
origin, its facts on one line, every string of the data escaped."""

from __future__ import annotations

from build_cv.formats.latex.escape import escape
from build_cv.formats.latex.writer import TEMPLATES
from tests.kinds import EVERY_FIELD, ISSUE, KINDS, hostile, hostile_texts, load
from tests.render import tex_for


def test_each_kind_has_its_template() -> None:
    for kind in KINDS:
        assert (TEMPLATES / "sections" / f"{kind}.tex.j2").is_file()


def test_the_issues_entries_as_moderncv_entries() -> None:
    tex = tex_for(load(ISSUE))
    for wanted in (
        r"\section{\cvnohyphens{Grants}}",
        "% build-cv source: sections[0].entries[0]\n"
        r"\cventrykeep{\cventry{Jul 2024 – Jun 2029}{Verified Schedulers}"
        r"{National Science Foundation, CAREER, CNS{-}0000000}{}{}{%"
        "\nPI; %\nAmount: \\$550,000; %\nAwarded%\n}}",
        r"\cventry{Fall 2023, Fall 2024}{Operating Systems}{CS 4410, Example University}",
        r"Thesis: \emph{Lock{-}free Queues in Practice}; %",
        r"\cventry{Jul 2024}{Schedulers You Can Trust}{Dagstuhl Seminar, Wadern, Germany}",
        r"\cventry{2024 – 2025}{Program Committee}{OSDI}{}{}{%" + "\n}}",
        r"\cventry{May 2023}{Best Paper Award}{EuroSys}{}{}{%" + "\n}}",
    ):
        assert wanted in tex, wanted
    for i in range(6):
        assert f"% build-cv source: sections[{i}].entries[0]\n\\cventrykeep{{\\cventry{{" in tex


def test_links_and_a_citation_follow_the_facts() -> None:
    tex = tex_for(load(EVERY_FIELD))
    assert "Keynote%\n\\space[\\href{https://example.org/slides.pdf}{link}]%" in tex
    assert "Amount: €5,000%\n\\newline{}For work on \\textit{verified} schedulers.%" in tex


def test_every_string_of_the_data_is_escaped() -> None:
    tex = tex_for(hostile())
    for text in hostile_texts():
        assert str(escape(text)) in tex, text
    assert "$x^2$" not in tex and "\\relax{}" not in tex.replace("\\textbackslash{}relax", "")


def test_chinese_labels_are_set_in_the_cjk_font() -> None:
    tex = tex_for(load(EVERY_FIELD, "zh"))
    assert r"\section{\cvnohyphens{\cvcjk{科研项目}}}" in tex
    assert r"\cvcjk{共同主持}\cvcjk{；}%" in tex
    assert r"\cvcjk{经费}\cvcjk{：}US\$550,000\cvcjk{；}%" in tex
