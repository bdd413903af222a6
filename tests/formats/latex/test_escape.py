from __future__ import annotations

import pytest

from build_cv.formats.latex.escape import escape, escape_url, markup
from build_cv.markup import strip_markup


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("# $ % & _ { }", r"\# \$ \% \& \_ \{ \}"),
        ("~", r"\textasciitilde{}"),
        ("^", r"\textasciicircum{}"),
        ("\\", r"\textbackslash{}"),
        ("C++ 50%", r"C++ 50\%"),
        ("a--b", "a{-}{-}b"),
        ("<<x>>", "<{}<x>{}>"),
        ('it\'s "q"', r"it\textquotesingle{}s \textquotedbl{}q\textquotedbl{}"),
        ("line\nbreak", "line break"),
        ("方佳瑞 Ünïcödé", r"\cvcjk{方佳瑞} Ünïcödé"),
    ],
)
def test_escape(text: str, latex: str) -> None:
    assert escape(text) == latex


@pytest.mark.parametrize(
    "attack", [r"\input{/etc/passwd}", r"\write18{id}", "^^5c", r"\catcode`\@=11", r"\def\x{}"]
)
def test_no_control_sequence_survives_escaping(attack: str) -> None:
    out = escape(attack)
    # every backslash that remains starts one of our own text commands
    for part in out.split("\\")[1:]:
        assert part.startswith(
            ("textbackslash{}", "textasciicircum{}", "textasciigrave{}", "{", "}")
        )
    assert "^^" not in out


def test_markup_converts_after_escaping_each_piece() -> None:
    assert markup("**C++** and *a_b*") == r"\textbf{C++} and \textit{a\_b}"
    assert markup("[50% off](https://x.org/a_b#c)") == r"\href{https://x.org/a\_b\#c}{50\% off}"
    assert markup("**[T](https://t.org)**") == r"\textbf{\href{https://t.org}{T}}"


def test_markup_leaves_unmatched_and_escaped_markers_as_text() -> None:
    assert markup("5 * 3 and a*") == "5 * 3 and a*"
    assert markup(r"\*not italic\*") == "*not italic*"
    assert markup("[text](javascript:alert(1))") == "{[}text{]}(javascript:alert(1))"


def test_strip_markup_gives_the_visible_text() -> None:
    assert (
        strip_markup("**[TurboTransformers](https://x.org)**, *fast*") == "TurboTransformers, fast"
    )


def test_urls_are_percent_encoded_then_escaped() -> None:
    assert escape_url("https://x.org/a b{c}") == r"https://x.org/a\%20b\%7Bc\%7D"
    assert escape_url("https://x.org/~u/a_b?p=1&q=2#f%41") == (
        r"https://x.org/\string~u/a\_b?p=1\&q=2\#f\%41"
    )
    assert escape_url("https://x.org/a\\b") == r"https://x.org/a\%5Cb"
    assert escape_url("https://x.org/p", strip_scheme=True) == "x.org/p"
    assert escape_url("HTTPS://x.org/p", strip_scheme=True) == "x.org/p"
    assert escape_url("Http://x.org/p", strip_scheme=True) == "x.org/p"


def test_greek_and_cyrillic_runs_are_set_in_the_script_font() -> None:
    assert escape("λ-calculus, Пётр a_b") == r"\cvscript{λ}{-}calculus, \cvscript{Пётр} a\_b"
    assert escape("Ά\u0301x") == "\\cvscript{Ά\u0301}x"


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("中文English混排", r"\cvcjk{中文}\cvcjkbreak{}English\cvcjkbreak{}\cvcjk{混排}"),
        # quotes, dashes, dots touching CJK text are CJK punctuation (full-width)
        ("负责“Colossal”与", r"\cvcjk{负责“}Colossal\cvcjk{”与}"),
        ("艾达·洛夫莱斯——计算机", r"\cvcjk{艾达·洛夫莱斯——计算机}"),
        ("2014.09—2019.07 a·b “q”", "2014.09—2019.07 a·b “q”"),
        # no break next to punctuation or digits, nor in Korean (it breaks at spaces)
        ("GPU，集群", r"GPU\cvcjk{，集群}"),
        ("提升10倍", r"\cvcjk{提升}10\cvcjk{倍}"),
        ("서울GPU", r"\cvcjk{서울}GPU"),
        ("東京のGPU", r"\cvcjk{東京の}\cvcjkbreak{}GPU"),
    ],
)
def test_cjk_runs_and_where_they_meet_latin(text: str, latex: str) -> None:
    assert escape(text) == latex
