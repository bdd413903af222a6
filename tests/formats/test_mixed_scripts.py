"""Mixed scripts inside one string stay literal in every format.

A Chinese CV names English papers and Greek letters, an English one a Chinese native
name: one string can switch scripts several times, with and without spaces, beside
characters that every format escapes. Each format, read back as its reader would (HTML
as text, Markdown as rendered, JSON parsed, LaTeX un-escaped), must show the string as
typed.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from build_cv.pipeline.leakcheck import views
from build_cv.schema.model import CV
from tests.render import render_document, tex_for

RUNS = {
    "latin": "abcXYZ019 .,:;-'\"()&%#$_~^<>!?/@+=|",
    "han": "清华大学计算机科学与技术系博士方佳瑞",
    "kana": "これはカタカナとひらがなです",
    "hangul": "한국어텍스트입니다",
    "greek": "αβγδΩλμ",
    "cyrillic": "Привет",
    "fullwidth": "，。：；（）【】《》！？",
}
run = st.sampled_from(sorted(RUNS)).flatmap(
    lambda script: st.text(st.sampled_from(RUNS[script]), min_size=1, max_size=8)
)
mixed = (
    st.lists(st.tuples(run, st.sampled_from(["", " "])), min_size=2, max_size=6)
    .map(lambda parts: "".join(r + gap for r, gap in parts).strip())
    .filter(lambda text: len({s for s, chars in RUNS.items() if set(text) & set(chars)}) > 1)
)


def cv_with(text: str) -> CV:
    data: dict[str, Any] = {
        "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "updated": "2024-06-15",
        "design": {"icons": False},
        "sections": [
            {
                "title": text,
                "kind": "experience",
                "entries": [{"position": text, "organization": text, "start": "2020"}],
            }
        ],
    }
    return CV.model_validate(data)


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def shown(fmt: str, output: str) -> list[str]:
    """What a reader of the format sees: each reading of the file, whitespace folded."""
    if fmt == "html":
        return [folded(html.unescape(re.sub(r"<[^>]*>", " ", output)))]
    if fmt == "md":
        page = MarkdownIt("commonmark").render(output)
        return [folded(html.unescape(re.sub(r"<[^>]*>", " ", page)))]
    if fmt == "json":
        return [folded(json.dumps(json.loads(output), ensure_ascii=False))]
    return [folded(v.text) for v in views(fmt, output)]


@settings(max_examples=60, deadline=None)
@given(mixed)
def test_mixed_scripts_are_shown_as_typed_in_every_format(text: str) -> None:
    cv = cv_with(text)
    outputs = {"tex": tex_for(cv), **{f: render_document(f, cv) for f in ("html", "md", "txt")}}
    outputs["json"] = render_document("json", cv)
    want = folded(text)
    for fmt, output in outputs.items():
        readings = shown(fmt, output)
        wanted = json.dumps(want, ensure_ascii=False)[1:-1] if fmt == "json" else want
        assert any(wanted in r for r in readings), (fmt, text)
