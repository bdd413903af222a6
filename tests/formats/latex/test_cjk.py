"""CJK text is typeset by its language's rules, checked in the PDF real XeLaTeX makes.

- Glyph forms: the Noto Sans CJK face of the language (SC, TC, JP, KR). Every face has
  the same PostScript name in the PDF (NotoSansCJKjp-...: the collection shares one CFF
  table), so the face is told by its glyphs: a CID in the PDF is the glyph's index in
  the font, and 次, 述, 船 and 返 are four different glyphs in the four faces.
- Bold is the Bold face; italic is the upright face (CJK is not slanted).
- Lines break between any two characters, never before closing punctuation nor after
  opening; Japanese by the strict rules, Korean only at spaces.
- Text reads back as typed: no space is added where two scripts meet, and lines stay
  ragged (a justified line spreads between CJK characters, and a gap reads as a space).
"""

from __future__ import annotations

import re
import struct
import subprocess
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from build_cv.schema.model import CV
from build_cv.typeset.engine import compile_tex
from tests.render import tex_for

pytestmark = pytest.mark.tex

TELLING = "次述船返"  # a different glyph in each of the four faces
FACES = ("SC", "TC", "JP", "KR")
ZH = (
    "我于二〇一九年获得清华大学计算机科学与技术博士学位（导师：杨广文教授、付昊桓教授），"
    "研究方向为高性能计算与机器学习系统。曾在腾讯担任高级工程师，负责“开源推理引擎”的研发；"
    "此后作为联合创始人、首席技术官加入潞晨科技。我们的系统被华为、阿里巴巴等公司采用！"
)


def make_cv(language: str, summary: str, native_language: str | None = None, **design: Any) -> CV:
    cv = CV.model_validate(
        {
            "person": {"name": "Jiarui Fang", "native_name": TELLING}
            | ({"native_name_language": native_language} if native_language else {}),
            "updated": "2024-06-15",
            "design": {"language": language, "show_updated": False, **design},
            "summary": summary,
        }
    )
    return cv


def built(cv: CV, tmp_path: Path) -> Path:
    tex = tex_for(cv)
    with compile_tex(tex, source_date_epoch=0) as compiled:
        pdf = tmp_path / "cv.pdf"
        pdf.write_bytes(compiled.pdf.read_bytes())
    (tmp_path / "cv.tex").write_text(tex, encoding="utf-8")
    return pdf


@cache
def face(family: str, style: str) -> tuple[bytes, int]:
    """The collection file that holds a face, and the face's index in it."""
    listed = subprocess.run(
        ["fc-list", "-f", "%{file}|%{index}\n", f":family={family}:style={style}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    (file, index) = listed[0].split("|")
    return Path(file).read_bytes(), int(index)


def glyph(family: str, char: str, style: str = "Regular") -> int:
    """The glyph index of `char` in a face of a font collection (its format-12 cmap)."""
    data, index = face(family, style)
    (offset,) = struct.unpack_from(">I", data, 12 + 4 * index)
    (tables,) = struct.unpack_from(">H", data, offset + 4)
    records = (struct.unpack_from(">4sIII", data, offset + 12 + 16 * t) for t in range(tables))
    cmap = next(at for tag, _, at, _ in records if tag == b"cmap")
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    for s in range(count):
        (sub,) = struct.unpack_from(">I", data, cmap + 8 + 8 * s)
        if struct.unpack_from(">H", data, cmap + sub)[0] != 12:
            continue
        (groups,) = struct.unpack_from(">I", data, cmap + sub + 12)
        for g in range(groups):
            first, last, start = struct.unpack_from(">III", data, cmap + sub + 16 + 12 * g)
            if first <= ord(char) <= last:
                return int(start + ord(char) - first)
    raise AssertionError(f"{family} has no {char!r}")


_PAIR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RANGE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def cids(pdf: Path) -> dict[str, dict[str, set[int]]]:
    """For each CJK font in the PDF (its name without the subset tag): each character
    and the CIDs that show it, from the font's ToUnicode map."""
    found: dict[str, dict[str, set[int]]] = {}
    for page in PdfReader(pdf).pages:
        resources = cast(DictionaryObject, page["/Resources"])
        for ref in cast(DictionaryObject, resources["/Font"]).values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            if "NotoSansCJK" not in name:
                continue
            chars = found.setdefault(name, {})
            text = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
                for cid, uni in _PAIR.findall(block):
                    char = bytes.fromhex(uni).decode("utf-16-be")
                    chars.setdefault(char, set()).add(int(cid, 16))
            for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
                for first, last, uni in _RANGE.findall(block):
                    for cid in range(int(first, 16), int(last, 16) + 1):
                        char = chr(int(uni, 16) + cid - int(first, 16))
                        chars.setdefault(char, set()).add(cid)
    return found


def test_the_telling_characters_tell_the_faces_apart() -> None:
    """Else the next test could pass with any face."""
    for style in ("Regular", "Bold"):
        forms = {tuple(glyph(f"Noto Sans CJK {f}", c, style) for c in TELLING) for f in FACES}
        assert len(forms) == len(FACES)


@pytest.mark.parametrize(
    ("language", "native_language", "expected"),
    [
        ("zh", None, "SC"),
        ("zh-Hant", None, "TC"),
        ("zh-TW", None, "TC"),
        ("ja", None, "JP"),
        ("ko", None, "KR"),
        ("en", None, "SC"),  # an English CV: the native name's language, zh-Hans unless said
        ("en", "zh-Hant", "TC"),
        ("de", "ja", "JP"),
    ],
)
def test_glyph_forms_follow_the_language(
    tmp_path: Path, language: str, native_language: str | None, expected: str
) -> None:
    cv = make_cv(language, f"{TELLING} **{TELLING}**", native_language)
    pdf = built(cv, tmp_path)
    fonts = cids(pdf)
    assert sorted(fonts) == ["NotoSansCJKjp-Bold-Identity-H", "NotoSansCJKjp-Regular-Identity-H"]
    for style in ("Regular", "Bold"):
        shown = fonts[f"NotoSansCJKjp-{style}-Identity-H"]
        family = f"Noto Sans CJK {expected}"
        assert {c: shown[c] for c in TELLING} == {c: {glyph(family, c, style)} for c in TELLING}
    root = cast(DictionaryObject, PdfReader(pdf).trailer["/Root"])
    assert str(root["/Lang"]) == language


def test_bold_is_the_bold_face_and_italic_the_upright_one(tmp_path: Path) -> None:
    """No faked bold (a stroked regular), no slanted CJK: the italic shapes of the CJK
    family are its upright faces."""
    pdf = built(make_cv("zh", "正文 **粗体字** *斜体字*"), tmp_path)
    fonts = cids(pdf)
    assert "粗" in fonts["NotoSansCJKjp-Bold-Identity-H"]
    assert "斜" in fonts["NotoSansCJKjp-Regular-Identity-H"]
    assert "粗" not in fonts["NotoSansCJKjp-Regular-Identity-H"]
    tex = (tmp_path / "cv.tex").read_text(encoding="utf-8")
    (family,) = re.findall(r"\\cvfontfamily\{cvcjk\}((?:\s*\{[^{}]*\}){4})", tex)
    upright, italic, bold, bold_italic = re.findall(r"\{([^{}]*)\}", family)
    assert (italic, bold_italic) == (upright, bold) and "/B:" in bold
    assert not re.search(r"embolden|slant|fake", family, re.I)
    streams = [page.get_contents() for page in PdfReader(pdf).pages]
    content = b"".join(stream.get_data() for stream in streams if stream is not None)
    assert not re.search(rb"\b[12] Tr\b", content), "text stroked: a faked bold"


def layout(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def summary_lines(pdf: Path) -> list[str]:
    """The lines of page 1 in CJK text but the name's, in reading order: the summary's."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = re.findall(r"<line [^>]*>(.*?)</line>", xml, re.S)
    texts = [" ".join(re.findall(r">([^<]*)</word>", words)) for words in lines]
    return [t for t in texts if re.search("[\u3040-\u9fff\uac00-\ud7af]", t) and TELLING not in t]


OPENING, CLOSING = "（「『“〔【《", "，。、）」』：；！？”〕】》"


@pytest.mark.parametrize("style", ["classic", "fancy"])
def test_chinese_breaks_between_characters_by_its_rules(tmp_path: Path, style: str) -> None:
    pdf = built(make_cv("zh", ZH * 2, style=style), tmp_path)
    lines = summary_lines(pdf)
    assert len(lines) >= 6  # the summary has no space: every break is inside CJK text
    assert not [t for t in lines if t[0] in CLOSING or t[-1] in OPENING]
    assert any(t[-1] not in CLOSING for t in lines[:-1])  # between two Han characters
    assert "".join(t for t in lines) == ZH * 2  # and no gap between them reads as a space


def test_japanese_breaks_by_the_strict_rules(tmp_path: Path) -> None:
    text = (
        "ヨーロッパのコンピュータ・アーキテクチャーとシステムソフトウェアッァィゥェォャュョー" * 4
    )
    pdf = built(make_cv("ja", text), tmp_path)
    lines = summary_lines(pdf)
    assert len(lines) >= 4
    assert not [t for t in lines[1:] if t[0] in "ァィゥェォッャュョーぁぃぅぇぉっゃゅょ・、。"]
    assert "".join(t for t in lines) == text


def test_korean_breaks_only_at_spaces(tmp_path: Path) -> None:
    sentence = "서울대학교 컴퓨터공학부에서 박사 학위를 받았으며 분산 딥러닝 시스템과 "
    text = (sentence + "고성능 컴퓨팅을 연구했습니다. ") * 3
    pdf = built(make_cv("ko", text.strip()), tmp_path)
    lines = summary_lines(pdf)
    assert len(lines) >= 3
    assert [w for t in lines for w in t.split()] == text.split()


@pytest.mark.parametrize("style", ["classic", "fancy"])
def test_text_in_two_scripts_reads_back_as_typed(tmp_path: Path, style: str) -> None:
    """Long Latin words in Chinese text leave lines short: no gap opens in them."""
    mixed = "在GPU集群上训练Colossal-AI，速度提升了10倍（与PyTorch相比）。"
    pdf = built(make_cv("zh", mixed * 6 + ZH, style=style), tmp_path)
    assert "".join(layout(pdf)).count(mixed) >= 4  # the rest breaks at Colossal-AI's hyphen
    extracted = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff\w]|\w [\u4e00-\u9fff]", extracted)


@pytest.mark.parametrize(
    ("language", "style", "line"),
    [
        ("zh", "classic", "高级软件工程师，腾讯，中国北京"),
        ("zh", "oldstyle", "高级软件工程师，腾讯，中国北京"),  # and no "." ends the heading
        ("ja", "casual", "高级软件工程师、腾讯、中国北京"),
        ("en", "classic", "高级软件工程师, 腾讯, 中国北京"),
    ],
)
def test_the_fields_of_an_entry_are_joined_by_the_languages_comma(
    tmp_path: Path, language: str, style: str, line: str
) -> None:
    """GB/T 15834 and JIS Z 8125 write a full-width comma (，) or 読点 (、) in CJK text."""
    entry = {"position": "高级软件工程师", "organization": "腾讯", "location": "中国北京"}
    cv = CV.model_validate(
        {
            "person": {"name": "Jiarui Fang"},
            "updated": "2024-06-15",
            "design": {"language": language, "style": style, "show_updated": False},
            "sections": [
                {
                    "title": "工作经历",
                    "kind": "experience",
                    "entries": [entry | {"start": "2019-07"}],
                }
            ],
        }
    )
    text = "".join(layout(built(cv, tmp_path)))
    assert line in text
    assert f"{line}." not in text
