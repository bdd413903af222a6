"""Raw LaTeX runs only where TeX is isolated, or when the user vouches for the file.

Only `raw` sections and `design.preamble_latex` pass LaTeX through. Without an OS-level
sandbox such LaTeX can make the PDF driver copy any readable file into the PDF, so a CV
from someone else (a pull request, a shared repository) must not be built that way by
accident; `--trust-raw` says the person building has read it.
"""

from __future__ import annotations

from build_cv.errors import InputError, PathKey
from build_cv.schema.model import CV, RawSection
from build_cv.sources.yaml_source import Loaded
from build_cv.typeset import sandbox


def raw_latex_fields(cv: CV) -> list[PathKey]:
    """Where the raw LaTeX of `cv` (a variant's selection, whose sections keep the origin
    of their place in the data) is written."""
    fields: list[PathKey] = []
    if cv.design.preamble_latex:
        fields.append(("design", "preamble_latex"))
    for i, section in enumerate(cv.sections):
        if isinstance(section, RawSection):
            fields.append((*(section.origin.path or ("sections", i)), "latex"))
    return fields


def require_isolation(loaded: Loaded, cv: CV, trust_raw: bool) -> None:
    """Refuse raw LaTeX when TeX cannot be isolated here, unless the user trusts it. `cv`
    is what the build typesets: a raw section a variant leaves out is not refused."""
    fields = raw_latex_fields(cv)
    if not fields or trust_raw:
        return
    isolation = sandbox.probe()
    if isolation.works:
        return
    where = loaded.locate(fields[0])
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    raise InputError(
        f"{where}: {where.field}{more}: raw LaTeX refused, TeX cannot be isolated here "
        f"({isolation.detail}); pass --trust-raw only if you trust this file"
    )
