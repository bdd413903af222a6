"""The commands other than `build` and `watch`: `check`, `lint`, `import`, `new`, `doctor`,
`schema` and `profiles`. Each imports what it needs when it runs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from build_cv.cli import terminal
from build_cv.cli.common import limits, print_warnings
from build_cv.errors import InputError

STDIN = Path("<stdin>")


def new_command(args: argparse.Namespace) -> int:
    from build_cv.errors import quoted
    from build_cv.formats.latex.fonts import name_problem
    from build_cv.pipeline.publish import write_new
    from build_cv.sources.starter import starter_yaml

    text = starter_yaml(args.name)  # the schema's rules first: they say more
    problem = name_problem(args.name)  # the starter has no design.script_fallback: the default
    if problem:
        raise InputError(f"the name {quoted(args.name, 40)} cannot be used: {problem}")
    if str(args.output) == "-":
        terminal.data_stdout().write(text)
        return 0
    write_new(args.output, text.encode("utf-8"), force_flag=False)
    print(f"Wrote {args.output}; build it with: build-cv build {args.output}")
    return 0


def lint_command(args: argparse.Namespace) -> int:
    from build_cv.pipeline.build import load_cv
    from build_cv.pipeline.lint import lint, summary

    loaded, cv = load_cv(args.data, allow_outside=args.allow_outside)
    warnings = lint(loaded, cv, allow_outside=args.allow_outside)
    n = len(warnings)
    if not n:
        print(f"{args.data}: no problems found")
        return 0
    if args.summary:
        print(
            f"{args.data}: {n} lint warning{'s' if n != 1 else ''} ({summary(warnings)}); "
            f"see them with: build-cv lint {args.data}"
        )
    else:
        print_warnings(warnings)
        print(f"{args.data}: {n} warning{'s' if n != 1 else ''}")
    if args.strict:
        print("build-cv: lint failed: warnings are errors (--strict)", file=sys.stderr)
        return 1
    return 0


def import_command(args: argparse.Namespace) -> int:
    from build_cv.formats.jsonresume.importer import (
        MAX_BYTES,
        import_json_resume,
        read_json_resume,
    )
    from build_cv.pipeline.publish import may_write, write_new

    to_file = args.output is not None and str(args.output) != "-"
    from_stdin = str(args.resume) == "-"
    source, protect = (STDIN, ()) if from_stdin else (args.resume, (args.resume,))
    if to_file:  # before the work, and again when writing
        may_write(args.output, args.force, protect)
    data = _stdin_bytes(MAX_BYTES, "a JSON Resume") if from_stdin else None
    imported = import_json_resume(
        read_json_resume(source, data), source=source, keep_latex=args.keep_latex
    )
    for note in imported.notes:
        print(f"build-cv: note: {note}", file=sys.stderr)
    text = imported.yaml()
    if not to_file:
        terminal.data_stdout().writelines(text.splitlines(keepends=True))
        return 0
    write_new(args.output, text.encode("utf-8"), overwrite=args.force, protect=protect)
    print(f"Wrote {args.output}; build it with: build-cv build {args.output}")
    return 0


def _stdin_bytes(limit: int, what: str) -> bytes:
    """Standard input, at most `limit` bytes: `-` names it, as for `check -`."""
    if sys.stdin is None:  # started with standard input closed (`<&-`)
        raise InputError(f"{STDIN}: standard input is closed; name the file instead of -")
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"{STDIN}: {what} is larger than {limit // 1_000_000} MB, the most build-cv reads"
        )
    return data


def check_command(args: argparse.Namespace) -> int:
    from build_cv.pipeline.build import load_cv, profile_results, variant_expectations
    from build_cv.preflight import Expectations, preflight

    if args.variant is not None and args.data is None:
        raise InputError("--variant needs --data: the variants are defined in the CV data")
    if args.data is not None:
        loaded, cv = load_cv(args.data, allow_outside=args.allow_outside)
        exp = variant_expectations(
            cv, args.variant, limits(args), loaded, allow_outside=args.allow_outside
        )
    else:
        exp = Expectations(
            min_pages=args.min_pages or 1,
            max_pages=args.max_pages,
            max_size_mb=args.max_size_mb or 10.0,
        )
    if args.paper:
        exp.paper = args.paper
    exp.pdfa = exp.pdfa or args.pdfa  # the data's `pdfa`, or the flag's
    if str(args.pdf) == "-":
        report = preflight(STDIN, exp, source=sys.stdin.buffer)
    else:
        report = preflight(args.pdf, exp)
    if args.data is not None and args.variant is not None:  # the rules of its profile
        report.results += profile_results(
            cv, args.variant, loaded, report.pages, allow_outside=args.allow_outside
        )
    print(report.to_json(args.strict) if args.json else report.text())
    if not report.ok(args.strict):
        if not args.json:  # the report said what failed and why; this says only that it did
            names = ", ".join(r.name for r in report.failed(args.strict))
            print(f"build-cv: check failed: {names} (details in the report)", file=sys.stderr)
        return 1
    return 0


def doctor_command() -> int:
    from build_cv.typeset import doctor

    text, ok = doctor.report()
    print(text)
    return 0 if ok else 1


def schema_command() -> int:
    from build_cv.schema.model import json_schema

    print(
        json.dumps(json_schema(), indent=2, ensure_ascii=False),
        file=terminal.data_stdout(),
    )
    return 0


def profiles_command(args: argparse.Namespace) -> int:
    """The profiles a variant may follow, each with its language, dates and source; one
    profile's sections and rules; or the JSON Schema of a profile file."""
    from build_cv.schema.profile import json_schema
    from build_cv.sources import profiles

    out = terminal.data_stdout()
    if args.schema:
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False), file=out)
        return 0
    if args.name is not None:
        problem = profiles.unknown(args.name)
        if problem:
            raise InputError(problem)
    chosen = [profiles.load(args.name)] if args.name else profiles.every()
    if args.json:
        data = [p.model_dump(mode="json") for p in chosen]
        print(json.dumps(data[0] if args.name else data, indent=2, ensure_ascii=False), file=out)
        return 0
    for profile in chosen:
        out.write(_profile_text(profile, details=args.name is not None))
    if not args.name:
        out.write("Show one with its sections and rules: build-cv profiles NAME\n")
    return 0


def _profile_text(profile: Any, details: bool) -> str:
    lines = [
        f"{profile.name}: {profile.title}",
        f"  language {profile.language}; in effect since {profile.effective_from}; "
        f"basis {profile.basis}; checked {profile.checked}; takes {'/'.join(profile.formats)}",
        f"  source: {profile.source}",
    ]
    if details:
        lines.append("  sections: " + ", ".join(f"{s.title} ({s.kind})" for s in profile.sections))
        lines.append(f"  other sections: {profile.other_sections}")
        lines.append("  rules:")
        for rule in profile.rules:
            lines.append(f"    {rule.id}: {rule.description}")
            lines.append(
                f"      {rule.check}; {rule.basis}; in effect since {rule.effective_from}; "
                f"{rule.source}"
            )
    return "\n".join(lines) + "\n\n"
