"""`make gallery`: build the default CV in every style x paper x size, check each, and
write page 1 of each style (A4, 11 pt) to docs/gallery/<style>.png for the README."""

from __future__ import annotations

import sys
from pathlib import Path

from build_cv.pipeline.gallery import build_gallery, first_page_png

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    out = ROOT / "out" / "gallery"
    builds = build_gallery(ROOT / "data" / "cv.yaml", out)
    docs = ROOT / "docs" / "gallery"
    docs.mkdir(parents=True, exist_ok=True)
    failed = 0
    for b in builds:
        if b.result is None:
            failed += 1
            print(f"{b.combo.name:<20} FAILED: {b.error.render() if b.error else '?'}")
            continue
        print(f"{b.combo.name:<20} ok, {b.result.report.pages} pages, {b.result.pdf}")
        if b.combo.paper == "a4" and b.combo.size == 11:
            first_page_png(b.result.pdf, docs / f"{b.combo.style}.png")
    print(f"{len(builds) - failed} of {len(builds)} passed every check")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
