"""An entry of up to four lines never splits across a page, in any style, paper or
language: a page break inside one puts the page number between its lines, in print and in
the extracted text. Built by real XeLaTeX and read back page by page.

The CV is many entries of two to five lines, so its page breaks fall at entries; each
entry's first line starts with a token `B<n>q` and its last line ends with `E<n>q`.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from build_cv.schema.model import CV
from build_cv.typeset.engine import compile_tex
from tests.render import tex_for

pytestmark = pytest.mark.tex

TEXT = (
    "parallel training of large models on many accelerators with pipelines and careful "
    "scheduling of memory across nodes under tight budgets for latency and throughput"
)
ZH_TEXT = "面向大规模并行训练的高效通信与调度系统及其在超级计算机上的应用研究与实践"


def words(n: int, start: int, chinese: bool) -> str:
    """`n` words of filler (three characters a word in Chinese), from word `start` on."""
    if chinese:
        return "".join(ZH_TEXT[(start + i) % len(ZH_TEXT)] for i in range(3 * n))
    vocabulary = TEXT.split()
    return " ".join(vocabulary[(start + i) % len(vocabulary)] for i in range(n))


def engineered_cv(style: str, paper: str, language: str) -> CV:
    """Entries of varied length (experience with highlights, publications, items, awards) that
    fill several pages, so page ends fall at many places in many kinds of entry."""
    chinese = language.startswith("zh")
    experience = [
        {
            "position": words(3, i, chinese),
            "organization": f"B{i}q Labs",  # on the first line in every style
            "start": f"20{10 + i % 10}-0{1 + i % 9}",
            "summary": words(14 + 3 * (i % 3), i, chinese),
            "highlights": [f"{words(4 + 3 * (i % 3), i + 3, chinese)} E{i}q"],
        }
        for i in range(30)
    ]
    publications = [
        {
            "title": words(16 + 3 * (i % 3), i, chinese),
            "authors": [f"B{100 + i}q Author", "Ann Other", "Bo Third", "Cy Fourth"],
            "venue": "Journal of Examples",
            "year": 2000 + i,
            "details": f"pp. {i}-{i + 9}, E{100 + i}q",
        }
        for i in range(40)
    ]
    items = [
        {"label": "Note", "text": f"B{200 + i}q {words(20 + 6 * (i % 3), i, chinese)} E{200 + i}q"}
        for i in range(20)
    ]
    awards = [
        {
            "name": f"B{300 + i}q {words(3, i, chinese)}",
            "issuer": "Example Society",
            "date": f"20{10 + i % 10}-0{1 + i % 9}",
            "summary": f"{words(10 + 8 * (i % 3), i + 5, chinese)} E{300 + i}q",
        }
        for i in range(20)
    ]
    return CV.model_validate(
        {
            "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
            "updated": "2024-06-15",
            "design": {"style": style, "paper": paper, "icons": False, "language": language},
            "sections": [
                {"title": "Experience", "kind": "experience", "entries": experience},
                {"title": "Papers", "kind": "publications", "entries": publications},
                {"title": "Notes", "kind": "items", "entries": items},
                {"kind": "awards", "entries": awards},  # the record kinds share one template
            ],
        }
    )


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's non-blank lines as laid out, without its last: the footer, "i/N"."""
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    lines = [[line for line in page.splitlines() if line.strip()] for page in pages]
    assert all(re.search(r"\b\d+/\d+\s*$", page[-1]) for page in lines if page)
    return [page[:-1] for page in lines if page]


def where(token: str, pages: list[list[str]]) -> tuple[int, int]:
    """The page and line of the one line that holds `token`."""
    found = [
        (p, i)
        for p, page in enumerate(pages)
        for i, line in enumerate(page)
        if re.search(rf"\b{token}\b", line)
    ]
    assert len(found) == 1, (token, found)
    return found[0]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("style", ["classic", "casual", "banking", "oldstyle", "fancy"])
def test_no_entry_of_four_lines_or_fewer_splits(
    tmp_path: Path, style: str, paper: str, language: str
) -> None:
    cv = engineered_cv(style, paper, language)
    with compile_tex(tex_for(cv), source_date_epoch=0) as compiled:
        pdf = tmp_path / "cv.pdf"
        pdf.write_bytes(compiled.pdf.read_bytes())
    pages = page_lines(pdf)
    assert len(pages) >= 3
    ids = [*range(30), *range(100, 140), *range(200, 220), *range(300, 320)]
    split, short = [], 0
    for n in ids:
        (p1, l1), (p2, l2) = where(f"B{n}q", pages), where(f"E{n}q", pages)
        lines = l2 - l1 + 1 if p1 == p2 else len(pages[p1]) - l1 + l2 + 1
        short += 3 <= lines <= 4
        if p1 != p2 and lines <= 4:
            split.append((n, lines, pages[p1][l1:], pages[p2][: l2 + 1]))
    assert split == []
    assert short >= 10  # the CV holds many entries of three or four lines
