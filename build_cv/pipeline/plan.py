"""The build plan: which documents one run makes, where each goes, what each must pass.

A build is a set of targets, one per variant and format. Each target has its own file
names and its own preflight expectations (a 2-page variant has its own page budget, a
public one does not expect the hidden email), so nothing downstream assumes one PDF.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from build_cv.errors import InputError, did_you_mean, shorten
from build_cv.formats import FORMATS as FORMATS
from build_cv.formats import parse_formats as parse_formats
from build_cv.pipeline.options import FULL, Limits
from build_cv.report import Expectations, Secret
from build_cv.schema.model import ALL_VARIANTS, CV, Checks
from build_cv.view import View

MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z
NAME_MAX = 255  # bytes in a file name, on every file system build-cv runs on


@dataclass(frozen=True)
class Outputs:
    """Where one target of `<stem>.yaml` writes, and where a failed one leaves its work."""

    out_dir: Path
    stem: str

    @classmethod
    def of(cls, data: Path, out_dir: Path, variant: str | None = FULL) -> Outputs:
        if data.stem.endswith(".failed"):
            raise InputError(
                f"{data}: a CV file name may not end in .failed (reserved for leftovers)"
            )
        if data.name.startswith("."):
            raise InputError(
                f"{data}: a CV file name may not start with a dot: its outputs would be "
                "hidden files; rename it (e.g. cv.yaml)"
            )
        return cls(out_dir, data.stem if variant is None else f"{data.stem}-{variant}")

    def all(self, formats: tuple[str, ...] = ("pdf", "tex")) -> list[Path]:
        """Every file this target may write or leave behind."""
        return [self.path(ext) for ext in formats] + [self.failed(ext) for ext in formats]

    def path(self, ext: str) -> Path:
        return self.out_dir / f"{self.stem}.{ext}"

    def page(self, number: int) -> Path:
        """Page `number` as an image: page 1 is `<stem>.png`, page 2 `<stem>.page-2.png`."""
        return self.path("png" if number == 1 else f"page-{number}.png")

    def pages_beyond(self, count: int) -> list[Path]:
        """The page images of this target past page `count` that an earlier build left."""
        found = []
        for path in self.out_dir.glob(f"{glob.escape(self.stem)}.page-*.png"):
            number = path.name.removeprefix(f"{self.stem}.page-").removesuffix(".png")
            if number.isdigit() and int(number) > count and path == self.page(int(number)):
                found.append(path)
        return found

    def failed(self, ext: str) -> Path:
        return self.out_dir / f"{self.stem}.failed.{ext}"

    @property
    def pdf(self) -> Path:
        return self.path("pdf")

    @property
    def tex(self) -> Path:
        return self.path("tex")

    @property
    def failed_pdf(self) -> Path:
        return self.failed("pdf")

    @property
    def failed_tex(self) -> Path:
        return self.failed("tex")


@dataclass(frozen=True)
class Target:
    """One document to make: a variant (None for the full CV) in one format."""

    variant: str | None
    format: str
    outputs: Outputs

    @property
    def name(self) -> str:
        return self.variant or "full"


def make_plan(
    data: Path,
    out_dir: Path,
    cv: CV,
    variants: list[str | None],
    formats: tuple[str, ...] = ("pdf",),
) -> list[Target]:
    """One target per variant and format; `all` stands for the full CV and every variant."""
    names: list[str | None] = []
    for name in variants:
        names += [FULL, *cv.variants] if name == ALL_VARIANTS else [check_variant(cv, name)]
    return [
        Target(variant, fmt, Outputs.of(data, out_dir, variant))
        for variant in dict.fromkeys(names)
        for fmt in formats
    ]


def refuse_overwriting(targets: list[Target], inputs: list[Path]) -> None:
    """Stop before anything runs if a build would write over its own input, or cannot write.

    A CV saved as `dist/cv.tex` and built with `--out dist` would be replaced by the
    generated file; a directory named like an output would fail only after TeX ran.
    """
    for out_dir in dict.fromkeys(t.outputs.out_dir for t in targets):
        _usable_out_dir(out_dir)
    sources = {_identity(p): p for p in inputs}
    for target in targets:
        for path in target.outputs.all(("pdf", "tex", target.format)):
            if len(os.fsencode(path.name)) > NAME_MAX:
                raise InputError(
                    f"{path.parent / shorten(path.name)}: an output's name would be longer "
                    f"than the {NAME_MAX} bytes a file name may have; shorten the CV's file "
                    "name or the variant's"
                )
            source = sources.get(_identity(path))
            if source is not None:
                raise InputError(
                    f"{source}: the build would overwrite this input with its output "
                    f"{path}; choose another --out"
                )
            if path.is_dir():
                raise InputError(f"{path}: a directory is in the way of an output file")


def _usable_out_dir(out_dir: Path) -> None:
    """An output folder that cannot be one (a file, a loop of symbolic links, a path
    through a file) is bad input, found before TeX runs rather than after."""
    try:
        if out_dir.stat() and not out_dir.is_dir():
            raise InputError(f"{out_dir}: not a folder; choose another --out")
    except FileNotFoundError:
        if out_dir.is_symlink():
            raise InputError(
                f"{out_dir}: a symbolic link to a folder that does not exist"
            ) from None
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot be the output folder ({exc.strerror})") from None
    _can_make(out_dir)


def _can_make(out_dir: Path) -> None:
    """Whether the missing folders of `out_dir` can be made (`--out /proc/x` cannot), told
    now rather than after TeX has run. A folder of another name is made and removed where
    they would be: a build refused later leaves nothing behind, and a concurrent build
    making the same folder is not disturbed."""
    nearest = next((p for p in (out_dir, *out_dir.parents) if p.exists()), None)
    if nearest is None or nearest == out_dir:
        return
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".build-cv-probe-", dir=nearest))
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot make the output folder ({exc.strerror})") from None


def _identity(path: Path) -> tuple[int, int] | Path:
    """The same file whatever the spelling: symbolic links, `..`, hard links."""
    try:
        st = path.stat()
    except OSError:
        return Path(os.path.realpath(path))  # Path.resolve raises on a loop of links
    return (st.st_dev, st.st_ino)


def check_variant(cv: CV, name: str | None, all_too: bool = True) -> str | None:
    """`name` if the data defines it; `all_too` when `all` is a choice too (build's
    --variant, not check's: a PDF is one variant)."""
    if name is None or name in cv.variants:
        return name
    known = ", ".join(cv.variants) or "none"
    if name == ALL_VARIANTS and not all_too:
        raise InputError(
            f"`--variant all` is for build; check reads one PDF: name its variant "
            f"(the data defines: {known})"
        )
    did = did_you_mean(name, cv.variants)
    also = ", and `all`" if all_too else ""
    raise InputError(f"unknown variant `{name}`{did}; the data defines: {known}{also}")


def source_date_epoch(cv: CV) -> int:
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        if not re.fullmatch(r"[0-9]{1,12}", env) or int(env) > MAX_EPOCH:
            raise InputError(
                f"SOURCE_DATE_EPOCH={env!r} is not a number of seconds from 1970 to 9999"
            )
        return int(env)
    return cv.updated_epoch


def expectations(
    view: View, cv: CV, checks: Checks, limits: Limits, hidden: Sequence[Secret] = ()
) -> Expectations:
    """What this target's PDF must show (only what its view kept, within its own limits)
    and must not: the values its variant hides."""
    return Expectations(
        min_pages=limits.min_pages or checks.min_pages,
        max_pages=limits.max_pages or checks.max_pages,
        paper=cv.design.paper,
        max_size_mb=limits.max_size_mb or checks.max_size_mb,
        name=view.header.name,
        native_name=view.header.native_name,
        leading_name=view.header.names[0].text,
        email=view.header.email,
        section_titles=[s.title for s in view.sections],
        pdfa=cv.design.pdfa_part is not None,
        metadata={
            "Title": view.metadata.title,
            "Author": view.metadata.author,
            "Subject": view.metadata.subject,
            "Keywords": view.metadata.keywords,
        },
        hidden=list(hidden),
        ours=True,
    )
