"""The style gallery: one CV built in every style, paper and size, each fully preflighted.

moderncv's five styles lay the same content out very differently; a change that reads well
in `classic` can lose a section in `fancy` or overprint the header on letter paper. The
gallery builds them all (30 PDFs), so such a change fails a test instead of an application.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from build_cv.errors import BuildCVError
from build_cv.pipeline.build import BuildResult, build_pdf

STYLES = ("classic", "casual", "banking", "oldstyle", "fancy")
PAPERS = ("a4", "letter")
SIZES = (10, 11, 12)


@dataclass(frozen=True)
class Combo:
    style: str
    paper: str
    size: int

    @property
    def name(self) -> str:
        return f"{self.style}-{self.paper}-{self.size}"


@dataclass
class GalleryBuild:
    combo: Combo
    result: BuildResult | None = None
    error: BuildCVError | None = None


def combos() -> list[Combo]:
    return [Combo(s, p, z) for s, p, z in itertools.product(STYLES, PAPERS, SIZES)]


def _data_for(data: Path, combo: Combo, work: Path) -> Path:
    """The data in `combo`'s style, paper and size. Its page budget (`max_pages`) is the
    owner's for the design the data names: 12 pt on letter paper takes more pages, and
    the gallery checks everything else in every combination."""
    cv = yaml.safe_load(data.read_text("utf-8"))
    design = dict(cv.get("design") or {})
    design.update(style=combo.style, paper=combo.paper, font_size=combo.size)
    checks = dict(design.get("checks") or {})
    checks.pop("max_pages", None)
    design["checks"] = checks
    cv["design"] = design
    for bib in data.parent.glob("*.bib"):  # sections read .bib files beside the data
        shutil.copyfile(bib, work / bib.name)
    path = work / f"{combo.name}.yaml"
    path.write_text(yaml.safe_dump(cv, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def build_one(data: Path, combo: Combo, out: Path) -> GalleryBuild:
    """Build `data` in one combination as `out/<combo>/<combo>.pdf`."""
    target = out / combo.name
    target.mkdir(parents=True, exist_ok=True)
    try:
        return GalleryBuild(combo, result=build_pdf(_data_for(data, combo, target), target))
    except BuildCVError as exc:
        return GalleryBuild(combo, error=exc)


def build_gallery(
    data: Path, out: Path, selection: list[Combo] | None = None, jobs: int = 3
) -> list[GalleryBuild]:
    """Every combination, `jobs` TeX runs at a time (TeX is single-threaded)."""
    chosen = combos() if selection is None else selection
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda c: build_one(data, c, out), chosen))


def first_page_png(pdf: Path, png: Path, dpi: int = 50) -> Path:
    """Page 1 of `pdf` as a small PNG, for the README."""
    stem = png.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    return png
