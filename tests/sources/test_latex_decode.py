from __future__ import annotations

import re
import time
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_cv.sources.bibtex.braces import MAX_DEPTH, TooDeep, brace_depth
from build_cv.sources.bibtex.decode import NBSP, decode_latex, decode_verbatim, encode_latex


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\"o}", "ö"),
        (r"\"{o}", "ö"),
        (r"\"o", "ö"),
        (r"{\AA}ngstr{\"o}m", "Ångström"),
        (r"{\'e}t{\'e}", "été"),
        (r"\c{c}", "ç"),
        (r"\c c", "ç"),
        (r"\v{s}", "š"),
        (r"Garc\'{\i}a", "García"),
        (r"Stra\ss e", "Straße"),
        (r"Stra{\ss}er", "Straßer"),
        (r"Kierkeg{\aa}rd S{\o}ren {\L}ukasz", "Kierkegård Søren Łukasz"),
        (r"\H{o}\k{a}\r{u}\u{g}\={a}\.{z}\^{e}\`{a}\~{n}", "őąůğāżêàñ"),
        (r"A \& B, 50\%, a\_b, \$5, \#1", "A & B, 50%, a_b, $5, #1"),
        ("1~Node", f"1{NBSP}Node"),
        ("pages 1--2", "pages 1–2"),
        ("fast---really", "fast—really"),
        ("``quoted''", "“quoted”"),
        ("`single'", "‘single'"),
        ("{GPU}s and {{TPU}}s", "GPUs and TPUs"),
        (r"\emph{a} \textit{b} \textbf{c} \textsc{d} \texttt{e}", "a b c d e"),
        (r"{\em emphasised} {\bf bold}", "emphasised bold"),
        (r"$\alpha$-tuning and $\beta$", "α-tuning and β"),
        (r"$O(n^2)$ in $\mathcal{O}(n)$", "O(n²) in O(n)"),
        (r"$x_{ij}$", "x_ij"),
        (r"$x^{T}$", "x^T"),
        (r"$10 \times$ faster", "10× faster"),
        (r"\foo", r"\foo"),
        (r"a \foo{bar} b", r"a \foo{bar} b"),
        (r"\cite{x}\unknown", r"\cite{x}\unknown"),
        (r"\url{https://x.org/a\_b}", "https://x.org/a_b"),
        (r"\href{https://x.org}{the text}", "the text"),
        ("  spread \n over\tlines  ", "spread over lines"),
        (r"\'{}", "´"),
        (r"\LaTeX{} and \TeX", "LaTeX and TeX"),
    ],
)
def test_decodes(latex: str, text: str) -> None:
    assert decode_latex(latex) == text


def test_decoded_accents_are_composed_characters() -> None:
    assert decode_latex(r"M{\"u}ller") == unicodedata.normalize("NFC", "Müller")
    assert len(decode_latex(r"{\"u}")) == 1


def test_verbatim_keeps_the_text_of_an_address() -> None:
    assert decode_verbatim(r"{https://x.org/a\_b?c=1\&d=2}") == "https://x.org/a_b?c=1&d=2"
    assert decode_verbatim("10.1145/3437801--3441578") == "10.1145/3437801--3441578"


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("A & B", r"A \& B"),
        ("50% of $5 #1 a_b", r"50\% of \$5 \#1 a\_b"),
        (r"\foo{x}", r"\textbackslash{}foo\textbraceleft{}x\textbraceright{}"),
        ("a--b", "a-{}-b"),
        ("Müller", "Müller"),
        (f"1{NBSP}Node", "1~Node"),
    ],
)
def test_encodes(text: str, latex: str) -> None:
    assert encode_latex(text) == latex


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), max_codepoint=0x2FFF)
    | st.sampled_from(list("\\{}$&%#_~^`'\"-$ ")),
    max_size=40,
)


@given(_TEXT)
def test_encoding_decodes_to_the_same_text(text: str) -> None:
    expected = re.sub(r"[ \t\r\n]+", " ", unicodedata.normalize("NFC", text)).strip()
    assert decode_latex(encode_latex(text)) == expected


# ---- hostile and real-world input -------------------------------------------------------


def _timed(text: str) -> tuple[str, float]:
    start = time.perf_counter()
    decoded = decode_latex(text)
    return decoded, time.perf_counter() - start


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Restricted AC\({}^{\mbox{0}}\)[{\(\oplus\)}] circuits", "Restricted AC⁰[⊕] circuits"),
        (r"Normalization for lambda\({}^{\mbox{-2}}\)", "Normalization for lambda⁻²"),
        (r"\(x_{1}\) and \(\alpha\)", "x₁ and α"),
    ],
)
def test_dblp_inline_math_is_decoded(latex: str, text: str) -> None:
    """DBLP writes math in titles as \\( ... \\) (these two are from real DBLP exports)."""
    assert decode_latex(latex) == text


def test_a_megabyte_of_text_decodes() -> None:
    """(Each character used to copy the rest of the text: 16 s for this one. How fast it
    decodes is bench/'s to measure, as a ratio: no unit test times anything.)"""
    decoded, _ = _timed("plain words here " * 60_000)
    assert decoded.startswith("plain words here plain")


def test_nested_groups_are_read_once_not_once_per_level() -> None:
    """(Each level used to scan its whole group again: 6 s for this one.)"""
    decoded, _ = _timed("{" * 99 + "x" * 200_000 + "}" * 99 + "{{{y}}}" * 20_000)
    assert decoded == "x" * 200_000 + "y" * 20_000


@pytest.mark.parametrize(
    "latex",
    [
        "{" * 10_000 + "x" + "}" * 10_000,
        r"\textbf{" * 5_000 + "x" + "}" * 5_000,
        "$x^{" * 5_000 + "2" + "}" * 5_000 + "$",
        r"\'{" * 5_000 + "e" + "}" * 5_000,
    ],
)
def test_deep_nesting_is_refused_with_an_error_never_a_recursion_error(latex: str) -> None:
    assert brace_depth(latex) > MAX_DEPTH
    with pytest.raises(TooDeep, match=f"nested more than {MAX_DEPTH} deep"):
        decode_latex(latex)


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1
    assert decode_latex(r"\textbf{" * depth + "x" + "}" * depth) == "x"
    assert brace_depth(r"\{ {a} \} {{b}}") == 2
