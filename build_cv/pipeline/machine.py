"""What this machine can typeset of a CV's design, and what the design needs of it.

These are decisions about the CV (which script, which style), so they live here and not
in `typeset/`, which knows the machine (its programs, packages and fonts) but not the
CV's schema.
"""

from __future__ import annotations

from build_cv.errors import Warning_
from build_cv.schema.model import Design
from build_cv.typeset import doctor
from build_cv.typeset.requirements import by_name, hint


def adjust(
    design: Design, uses_other_script: bool, *, speedups: bool = True
) -> tuple[Design, list[Warning_]]:
    """The design this machine can typeset: Greek and Cyrillic without CMU are left as is.

    Probed only when the text has such letters, so an everyday build asks nothing here.
    """
    cmu = by_name("cm-unicode")
    if not (uses_other_script and design.script_fallback) or doctor.known(cmu, speedups=speedups):
        return design, []
    warning = Warning_(
        f"cm-unicode is missing, so Greek and Cyrillic cannot be typeset. {hint(cmu)}"
    )
    return design.model_copy(update={"script_fallback": False}), [warning]


def require(design: Design, cjk_font: str | None, *, speedups: bool = True) -> None:
    """Raise for a piece this document needs that is missing, naming its package;
    `cjk_font` is the face its CJK text is set in, if it has any (writer's `cjk_font`)."""
    needed = ["xelatex", "moderncv", "pzdr.tfm"]
    needed += [cjk_font] if cjk_font else []
    needed += ["EB Garamond Initials"] if design.style == "fancy" else []
    doctor.require_all(needed, speedups=speedups)
