"""Typed errors that carry a location; only the CLI turns them into messages and exit codes.

Every stage raises one of these instead of letting a library exception escape, so the user
sees `file:line: field: what is wrong` and never a traceback or a TeX log dump.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PathKey = tuple[str | int, ...]


def format_path(path: PathKey) -> str:
    """A data path as the user writes it: `sections[2].entries[0].start`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


SHOWN_CHARS = 60  # of a value echoed in a message: a 2 MB line must not flood the terminal


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text`, or its start and how long it really is."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def quoted(value: object, limit: int = SHOWN_CHARS) -> str:
    """repr() of a value a person typed, its quotes kept even when it is cut short."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    return shorten(repr(value), limit + 2)


def did_you_mean(word: str, options: Iterable[str], shown: str = "{}", cutoff: float = 0.6) -> str:
    """` (did you mean `x`?)` for the nearest option, or nothing when none is near.

    `shown` formats the option as the user would write it (`person.{}`).
    """
    import difflib  # only when something is misspelt

    near = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return f" (did you mean `{shown.format(near[0])}`?)" if near else ""


@dataclass(frozen=True)
class Location:
    """A place in a YAML file: the file, a 1-based line and column, and the field path."""

    file: Path
    line: int | None = None
    column: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


@dataclass(frozen=True)
class Origin:
    """Where a section or entry was written: its file, its path there and its line.

    It travels with the entry through selection, merging and rendering, so a message about
    an entry names the place the user wrote it, not its position in some filtered list.
    """

    file: Path | None
    path: PathKey
    line: int | None = None
    column: int | None = None

    @property
    def field(self) -> str:
        return format_path(self.path)

    def location(self) -> Location:
        return Location(self.file or Path("<data>"), self.line, self.column, self.field)

    def __str__(self) -> str:
        return str(self.location())


class BuildCVError(Exception):
    """Base class; `exit_code` follows the CLI contract (1 build/check failed, 2 bad input).

    `warnings` carries what the build noticed before it failed, so it is not lost, and
    `notes` what it left behind (the files kept for inspection).
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.warnings: list[Warning_] = []
        self.notes: list[str] = []

    def render(self) -> str:
        return str(self)


class Stopped(BaseException):
    """A signal (SIGINT, SIGTERM, SIGHUP) stops the build wherever it is.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it and
    every `with` on the way out (TeX's process group, the temporary directory) cleans up.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


class InputError(BuildCVError):
    """The user's input (a file, a flag) is wrong: exit 2."""

    exit_code = 2


class YamlSyntaxError(InputError):
    def __init__(self, location: Location, problem: str, source_line: str) -> None:
        super().__init__(problem)
        self.location = location
        self.problem = problem
        self.source_line = source_line

    def render(self) -> str:
        line, column = _window(self.source_line, (self.location.column or 1) - 1)
        caret = " " * column + "^"
        return (
            f"{self.location}: YAML syntax error: {shorten(self.problem, 300)}\n"
            f"    {line}\n    {caret}"
        )


def _window(line: str, column: int, width: int = 100) -> tuple[str, int]:
    """At most `width` characters of `line` around `column`, and the column within them."""
    if len(line) <= width:
        return line, column
    start = min(max(column - width // 2, 0), max(len(line) - width, 0))
    shown = line[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(line) else ""
    return prefix + shown + suffix, column - start + len(prefix)


@dataclass(frozen=True)
class SchemaProblem:
    location: Location
    message: str

    def __str__(self) -> str:
        field_part = f" {shorten(self.location.field, 200)}:" if self.location.field else ""
        return f"{self.location}:{field_part} {shorten(self.message, 500)}"


class SchemaError(InputError):
    """All validation problems of one file, reported together."""

    def __init__(self, problems: list[SchemaProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the CV data")
        self.problems = problems

    # A mistake repeated in every entry of a long list (20,000 of them) is fixed from its
    # first lines; printing them all buries the head, as the .bib reader knows (50 too).
    SHOWN = 50

    def render(self) -> str:
        n = len(self.problems)
        head = f"{n:,} problem{'s' if n != 1 else ''} in the CV data:"
        lines = [head, *(f"  {p}" for p in self.problems[: self.SHOWN])]
        if n > self.SHOWN:
            lines.append(f"  ... and {n - self.SHOWN:,} more (the first {self.SHOWN} are shown)")
        return "\n".join(lines)


class ToolMissingError(BuildCVError):
    """A program, LaTeX package or font the build needs is not installed."""

    def __init__(self, what: str, how_to_install: str) -> None:
        super().__init__(f"{what} is not installed")
        self.what = what
        self.how_to_install = how_to_install

    def render(self) -> str:
        return f"{self.what} is not installed. {self.how_to_install}"


@dataclass
class TexProblem:
    message: str
    tex_line: int | None = None
    tex_context: str = ""
    source: str = ""


class TexError(BuildCVError):
    """TeX stopped with an error; carries the first error only, never the whole log."""

    def __init__(self, problem: TexProblem, tex_file: Path | None = None) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.tex_file = tex_file

    def render(self) -> str:
        p = self.problem
        lines = [f"TeX failed: {p.message}"]
        if p.tex_line is not None:
            where = f"{self.tex_file}:{p.tex_line}" if self.tex_file else f"line {p.tex_line}"
            lines.append(f"  in the generated LaTeX at {where}")
        if p.tex_context:
            lines.append(f"    {p.tex_context}")
        if p.source:
            lines.append(f"  which comes from {p.source}")
        lines.append("  The previous PDF, if any, was left untouched.")
        return "\n".join(lines)


class TexTimeoutError(BuildCVError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"TeX did not finish within {seconds:g} s")
        self.seconds = seconds

    def render(self) -> str:
        return (
            f"TeX did not finish within {self.seconds:g} s and was stopped (it was waiting for "
            "input or looping, usually because of a raw LaTeX field). The previous PDF, if "
            "any, was left untouched. Raise the limit with --timeout if the CV is just large."
        )


@dataclass
class Warning_:
    """A problem that does not stop the build unless --strict is given."""

    message: str
    location: Location | None = None
    kind: str = field(default="", compare=False)  # what lint groups it under in a summary

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class StrictWarningsError(BuildCVError):
    """The warnings themselves travel in `warnings` and are printed once, before this."""

    def __init__(self, warnings: list[Warning_]) -> None:
        super().__init__("warnings treated as errors (--strict)")
        self.warnings = warnings

    def render(self) -> str:
        n = len(self.warnings)
        return f"build failed because of {n} warning{'s' if n != 1 else ''} (--strict)"


@dataclass
class CheckFailure:
    name: str
    detail: str


class CheckFailedError(BuildCVError):
    def __init__(self, failures: list[CheckFailure], pages: int | None = None) -> None:
        super().__init__("PDF check failed")
        self.failures = failures
        self.pages = pages

    def render(self) -> str:
        lines = [f"PDF check failed: {f.name}: {f.detail}" for f in self.failures]
        return "\n".join(lines)


class FitError(CheckFailedError):
    """`--fit N`: even without every entry that may be left out, the PDF is longer than N
    pages. Names what still fills it, so the user knows what to shorten or un-`keep`."""

    def __init__(self, budget: int, pages: int, sections: list[str], gone: int) -> None:
        self.budget, self.sections, self.gone = budget, sections, gone
        noun = "entry" if gone == 1 else "entries"
        shown = ", ".join(sections) or "none"
        detail = (
            f"{pages} pages even with all {gone} {noun} that may go left out, at most "
            f"{budget} allowed; still there: {shown} (an entry marked `keep: true` and a "
            "`list` or `raw` section are never left out)"
        )
        super().__init__([CheckFailure("fit", detail)], pages)

    def again(self) -> FitError:
        """The same failure, as a new error for another target to carry."""
        return FitError(self.budget, self.pages or 0, self.sections, self.gone)


class LeakError(BuildCVError):
    """An output of a variant would show a value the variant hides, so it was not written.

    Each place is named by field, data location and where in the output, never by the
    value: the message may be read where the variant's reader could read it too.
    """

    def __init__(self, output: Path, variant: str | None, places: list[str]) -> None:
        super().__init__(f"{output} would show what variant `{variant}` hides")
        self.output, self.variant, self.places = output, variant, places

    def render(self) -> str:
        head = f"{self.output} was not written: it would show what variant `{self.variant}` hides"
        return "\n".join([head + ":", *(f"  {place}" for place in self.places)])


class ProfileError(InputError):
    """A profile file (build_cv/profiles/<name>.yaml) that is not a valid profile: named,
    with each problem at its line, so a contributor's typo never reads as a CV's."""

    def __init__(self, name: str, problems: list[SchemaProblem]) -> None:
        super().__init__(f"profile `{name}` is malformed")
        self.name = name
        self.problems = problems

    def render(self) -> str:
        n = len(self.problems)
        head = f"profile `{self.name}` is malformed ({n} problem{'s' if n != 1 else ''}):"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class ComplianceError(BuildCVError):
    """A text output of a variant breaks the rules of the profile it follows, so it was
    not written (exit 1, as a PDF over its page budget)."""

    def __init__(self, output: Path, failures: list[CheckFailure]) -> None:
        super().__init__(f"{output} breaks its profile's rules")
        self.output, self.failures = output, failures

    def render(self) -> str:
        head = f"{self.output} was not written: it breaks its profile's rules:"
        return "\n".join([head, *(f"  {f.name}: {f.detail}" for f in self.failures)])
