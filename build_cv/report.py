"""What a PDF must satisfy and what the preflight found: plain data, light to import.

The build needs the expectations before TeX runs, and the checks (preflight.py) only
after; keeping these apart lets a rebuild load pypdf while TeX is busy.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

# `skip`: a check that could not run here (an optional validator not installed); `info`:
# said for the reader's sake, never a failure, not even with --strict.
Status = Literal["pass", "warn", "fail", "skip", "info"]


@dataclass(frozen=True)
class Secret:
    """A value a variant hides: no output of the variant may show it.

    `field` names what hides it (`person.phone`); `written` is where the data has it
    (`cv.yaml:4`), so a message can point there without repeating the value itself.
    """

    field: str
    value: str
    written: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file a PDF/A-3 of ours carries as an associated file (`design.embed_data`): its
    name, MIME type, /AFRelationship and exact bytes. The preflight accepts exactly these
    in place of the embedded files it otherwise refuses."""

    name: str
    mime: str
    relationship: str  # Data or Source, without the slash
    data: bytes = field(repr=False)
    description: str = ""


@dataclass
class Expectations:
    """What the PDF should satisfy; None means `not checked`."""

    min_pages: int = 1
    max_pages: int | None = None
    paper: str | None = None
    max_size_mb: float = 10.0
    name: str | None = None
    native_name: str | None = None
    leading_name: str | None = None  # the name the text begins with (parsers read it first)
    email: str | None = None
    section_titles: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    pdfa: bool = False
    attachments: list[Attachment] = field(default_factory=list)  # ours, in a PDF/A-3
    hidden: list[Secret] = field(default_factory=list)
    ours: bool = False  # made from CV data (--data): its metadata and language are required


@dataclass
class CheckResult:
    """`rule`: for a check of a profile's rule, the rule, its source and date, and where
    the data it concerns is (`--json` reports it; other checks have none)."""

    name: str
    status: Status
    value: str
    limit: str = ""
    rule: dict[str, str] | None = None

    def detail(self) -> str:
        return f"{self.value}, {self.limit}" if self.limit else self.value

    def line(self) -> str:
        limit = f" ({self.limit})" if self.limit else ""
        return f"{self.status.upper():4}  {self.name:<11} {self.value}{limit}"


@dataclass
class Report:
    pdf: Path
    results: list[CheckResult]
    pages: int | None = None

    def failed(self, strict: bool = False) -> list[CheckResult]:
        bad = {"fail", "warn"} if strict else {"fail"}
        return [r for r in self.results if r.status in bad]

    def ok(self, strict: bool = False) -> bool:
        return not self.failed(strict)

    def text(self) -> str:
        return "\n".join([f"Preflight of {self.pdf}:", *(r.line() for r in self.results)])

    def to_json(self, strict: bool = False) -> str:
        return json.dumps(
            {
                "pdf": str(self.pdf),
                "ok": self.ok(strict),
                "checks": [_plain(r) for r in self.results],
            },
            ensure_ascii=False,
            indent=2,
        )

    def get(self, name: str) -> CheckResult:
        return next(r for r in self.results if r.name == name)


def _plain(result: CheckResult) -> dict[str, object]:
    """A check as JSON: `rule` only where a profile's rule is behind it."""
    fields = asdict(result)
    if fields["rule"] is None:
        del fields["rule"]
    return fields
