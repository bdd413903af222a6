"""Write build_cv/formats/latex/fonts.txt: the characters each font family of the LaTeX
template has, read from the fonts themselves, so that `import` and `new` can tell which
characters the PDF would leave out without running TeX.

The families are those `tex_templates/cv.tex.j2` declares with `\\cvfontfamily` (each
shape's font, in each face the template may choose, as the CJK family's face for each
language; a family has a character only if every one has it), and `main`: Latin Modern
Sans, in which moderncv sets all other text (every style, every size). Fonts are found
as XeTeX finds them: `[file.otf]` through kpsewhich, a name through fontconfig.

`python scripts/font_coverage.py` rewrites the table; `--check` exits 1 when the table is
not what the installed fonts say (tests/formats/latex/test_fonts.py runs it).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tex_templates" / "cv.tex.j2"
TABLE = ROOT / "build_cv" / "formats" / "latex" / "fonts.txt"
HEADER = """\
# The characters each font family of tex_templates/cv.tex.j2 has, as Unicode code points
# in hex (ranges inclusive). `main` is Latin Modern Sans, moderncv's font for all other
# text. Made by `python scripts/font_coverage.py` from the fonts installed where it ran;
# tests/formats/latex/test_fonts.py checks it against them. Do not edit.
"""
_FAMILY = re.compile(r"\\cvfontfamily\{(\w+)\}((?:\s*\{[^{}]*\}){4})")
_SHAPE = re.compile(r"\{([^{}:]*)[^{}]*\}")
WIDTH = 100


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def _font(spec: str) -> tuple[str, int]:
    """The file and face index XeTeX loads for `spec` (`[cmunss.otf]`, `Noto Sans CJK SC/B`)."""
    if spec.startswith("["):
        return _run("kpsewhich", spec.strip("[]")), 0
    name, _, flags = spec.partition("/")
    pattern = name + (":bold" if "B" in flags else "") + (":italic" if "I" in flags else "")
    file, index = _run("fc-match", "-f", "%{file}|%{index}", pattern).split("|")
    return file, int(index)


def _charset(file: str, index: int) -> set[int]:
    ranges = _run("fc-query", "-i", str(index), "-f", "%{charset}", file).split()
    found: set[int] = set()
    for item in ranges:
        first, _, last = item.partition("-")
        found.update(range(int(first, 16), int(last or first, 16) + 1))
    return found


def _families() -> dict[str, list[tuple[str, int]]]:
    lm = Path(_run("kpsewhich", "lmsans10-regular.otf")).parent
    main = sorted([*lm.glob("lmsans[0-9]*.otf"), *lm.glob("lmsansdemicond*.otf")])
    families = {"main": [(str(path), 0) for path in main]}
    for name, shapes in _FAMILY.findall(TEMPLATE.read_text(encoding="utf-8")):
        # a family declared once per language (cvcjk: SC, TC, JP, KR) has what all have
        fonts = families.setdefault(name, [])
        fonts += [_font(spec.strip()) for spec in _SHAPE.findall(shapes)]
    return families


def _ranges(points: set[int]) -> list[str]:
    out: list[str] = []
    start = previous = None
    for point in sorted(points):
        if previous is not None and point == previous + 1:
            previous = point
            continue
        if start is not None and previous is not None:
            out.append(f"{start:x}" if start == previous else f"{start:x}-{previous:x}")
        start = previous = point
    if start is not None and previous is not None:
        out.append(f"{start:x}" if start == previous else f"{start:x}-{previous:x}")
    return out


def table() -> str:
    lines = [HEADER.rstrip("\n")]
    for name, fonts in _families().items():
        common = set.intersection(*(_charset(file, index) for file, index in fonts))
        line = name
        for item in _ranges(common):
            if len(line) + 1 + len(item) > WIDTH:
                lines.append(line)
                line = " "
            line += ("" if line == " " else " ") + item
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    made = table()
    if "--check" in argv:
        if TABLE.read_text(encoding="utf-8") != made:
            print(f"{TABLE} is not what the installed fonts have; run {__file__}")
            return 1
        return 0
    TABLE.write_text(made, encoding="utf-8")
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
