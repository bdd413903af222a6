"""Property tests: arbitrary text in any string field is typeset literally or rejected clearly.

The cheap property (many examples) checks the generated LaTeX itself; the expensive one
(a bounded number of examples) really runs XeLaTeX and reads the text back from the PDF.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from build_cv.errors import SchemaError
from build_cv.formats.latex.escape import escape, markup
from build_cv.markup import strip_markup
from build_cv.pipeline.build import build_pdf
from build_cv.preflight import extract_text, normalize
from build_cv.sources.validate import validate
from build_cv.sources.yaml_source import load_yaml_text
from tests.render import tex_for

ALLOWED_COMMANDS = {
    "textbackslash",
    "textasciicircum",
    "textasciigrave",
    "textasciitilde",
    "textquotesingle",
    "textquotedbl",
    "textbf",
    "textit",
    "href",
    "cvscript",
    "cvcjk",
    "cvcjkbreak",
    "-",
    "hspace",
}
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")

any_text = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn"), include_characters="\n\t"),
    max_size=60,
)


def assert_inert(latex: str, text: str) -> None:
    """Only our own text commands and escaped specials; braces balanced; no ^^ or %.

    The one active character allowed is `~`, and only for a no-break space in the data.
    """
    for m in _COMMAND.finditer(latex):
        name = m.group(1)
        assert name in ALLOWED_COMMANDS or name in "#$%&_{}", f"unexpected \\{name} in {latex!r}"
    depth = 0
    for m in re.finditer(r"\\.|[{}]", latex):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth -= 1
            assert depth >= 0, latex
    assert depth == 0, latex
    unescaped = re.sub(r"\\[#$%&_{}^~]", "", latex)
    for ch in "#$%&_^~":
        if ch == "~":
            assert unescaped.count("~") == text.count("\xa0"), latex
        else:
            assert ch not in unescaped, latex


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_escaped_text_is_inert_latex(text: str) -> None:
    assert_inert(escape(text), text)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_markup_output_is_inert_latex(text: str) -> None:
    assert_inert(markup(text), text)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(any_text)
def test_any_text_in_any_field_renders_or_is_rejected_with_a_location(text: str) -> None:
    data, values = cv_with(text)
    source = yaml.safe_dump(data, allow_unicode=True)
    try:
        cv = validate(load_yaml_text(source, Path("prop.yaml")))
    except SchemaError as exc:
        assert exc.problems
        assert all(p.location.line is not None and p.location.field for p in exc.problems)
        return
    tex = tex_for(cv)
    for value, is_markup in values:
        assert (markup if is_markup else escape)(value.strip()) in tex, value


# Characters the fonts cover: Latin-1 and Latin Extended-A, typography, Greek, Cyrillic, CJK.
covered = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs"),
    exclude_characters="\u00ad\u0138\u0149\u0166\u0167",  # soft hyphen; glyphs no font has
).filter(
    lambda c: (
        ord(c) < 0x17F
        or c in "–—‘’“”€…•"
        or 0x391 <= ord(c) <= 0x3C9
        or 0x410 <= ord(c) <= 0x44F
        or 0x4E00 <= ord(c) <= 0x62FF
    )
)
covered_text = st.text(covered, min_size=1, max_size=30)

TEXT_FIELDS = [
    ("experience", "title"),
    ("experience", "position"),
    ("experience", "organization"),
    ("experience", "location"),
    ("experience", "highlight"),
    ("publication", "title"),
    ("publication", "author"),
    ("publication", "venue"),
    ("item", "text"),
]


def cv_with(text: str) -> tuple[dict[str, Any], list[tuple[str, bool]]]:
    """A CV with `text` in every kind of string field, each tagged so it can be found alone.

    Returns the data and each field's value with whether it is markup.
    """
    plain = re.sub(r"[*\[\]\\]", "", text)
    v = {
        f: f"{plain if f[1] in ('highlight', 'text') else text} Q{i}Z"
        for i, f in enumerate(TEXT_FIELDS)
    }
    data = {
        "person": {"name": "Prop Test", "email": "prop@example.org"},
        "updated": "2024-06-15",
        "keywords": [text],
        "design": {"icons": False},
        "sections": [
            {
                "kind": "experience",
                "title": v["experience", "title"],
                "entries": [
                    {
                        "position": v["experience", "position"],
                        "organization": v["experience", "organization"],
                        "location": v["experience", "location"],
                        "highlights": [v["experience", "highlight"]],
                    }
                ],
            },
            {
                "kind": "publications",
                "title": "Pubs",
                "entries": [
                    {
                        "title": v["publication", "title"],
                        "authors": [v["publication", "author"]],
                        "venue": v["publication", "venue"],
                        "year": 2020,
                    }
                ],
            },
            {"kind": "items", "title": "Items", "entries": [{"text": v["item", "text"]}]},
        ],
    }
    return data, [(value, f[1] in ("highlight", "text")) for f, value in v.items()]


def flat(text: str) -> str:
    return normalize(text).replace(" ", "").replace("-", "")


@pytest.mark.tex
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(covered_text)
def test_pdf_text_contains_the_data_as_typed(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check_pdf_text(text, Path(tmp))


def check_pdf_text(text: str, tmp_path: Path) -> None:
    data, values = cv_with(text)
    path = tmp_path / "prop.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        result = build_pdf(path, tmp_path / "out")
    except SchemaError as exc:
        assert not text.strip(), exc.render()  # only blank text is rejected
        return
    pdf_text = flat(extract_text(PdfReader(result.pdf)))
    for value, is_markup in values:
        shown = strip_markup(value) if is_markup else value
        assert flat(shown) in pdf_text, (value, pdf_text)
    meta = PdfReader(result.pdf).metadata
    assert meta is not None
    assert normalize(str(meta.get("/Keywords"))) == normalize(text.strip())
