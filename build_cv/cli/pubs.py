"""`build-cv pubs import` and `build-cv pubs enrich`: the only commands that go online
(docs/publications.md, docs/security.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from build_cv.cli.common import DEFAULT_DATA
from build_cv.errors import InputError, did_you_mean, shorten
from build_cv.sources.pubs.options import FORMATS, UPDATABLE

if TYPE_CHECKING:
    from build_cv.sources.pubs.merge import Owner, Summary


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "pubs", help="import publications from DBLP, ORCID, Crossref, arXiv, OpenAlex or a .bib"
    )
    cmds = p.add_subparsers(dest="pubs_command", required=True, parser_class=type(p))
    i = cmds.add_parser("import", help="merge publications from files or ids into a .bib")
    i.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="a file (DBLP XML/BibTeX, ORCID JSON, Crossref JSON, arXiv Atom, OpenAlex JSON, "
        "any BibTeX), or dblp:PID, orcid:ID, doi:10..., arxiv:ID, openalex:A...",
    )
    i.add_argument("--from", dest="fmt", choices=FORMATS, help="the files' format, if not guessed")
    i.add_argument(
        "--update",
        metavar="FIELD,...",
        default="",
        help=f"let the sources replace these fields you typed: {','.join(UPDATABLE)}",
    )
    i.add_argument(
        "--owner-only",
        action="store_true",
        help="leave out the records that do not list you (by ORCID, DBLP id or name)",
    )
    for q in (i, cmds.add_parser("enrich", help="find missing DOIs and arXiv ids")):
        q.add_argument("--into", type=Path, required=True, help="the .bib to merge into")
        q.add_argument(
            "--data",
            type=Path,
            help=f"the CV whose person is the owner and whose design.contact_email to send "
            f"(default {DEFAULT_DATA}, if it exists)",
        )
        q.add_argument("--mailto", metavar="ADDRESS", help="the contact address to send")
        q.add_argument("--offline", action="store_true", help="use only the cached answers")
        q.add_argument(
            "--openalex-key", metavar="KEY", help="OpenAlex API key (else $OPENALEX_API_KEY)"
        )
        q.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    e = cmds.choices["enrich"]
    e.add_argument(
        "--apply", action="store_true", help="write what was found (default: only show it)"
    )


def pubs_command(args: argparse.Namespace) -> int:
    from build_cv.pipeline import pubs
    from build_cv.pipeline.fetch import Client
    from build_cv.sources.pubs.merge import Settings

    owner, contact = _cv_facts(args.data)
    client = Client(
        contact=args.mailto or contact,
        offline=args.offline,
        openalex_key=args.openalex_key or os.environ.get("OPENALEX_API_KEY") or None,
    )
    from datetime import date

    today = date.today().isoformat()
    if args.pubs_command == "enrich":
        result, found = pubs.enrich(args.into, client, today)
        for f in found:
            print(f"{f.key}: {f.name} {f.value} ({f.source}: {f.url})")
        write = args.apply and not args.dry_run
    else:
        settings = Settings(today, _updates(args.update), owner, args.owner_only)
        if args.owner_only and owner is None:
            raise InputError("--owner-only needs the CV's person: name the CV with --data")
        result = pubs.import_into(args.into, pubs.gather(args.sources, args.fmt, client), settings)
        write = not args.dry_run
    if result.after == result.before:
        _summary(args.into, result.summary, written=False)
        return 0
    if not write:
        sys.stdout.writelines(_diff(result.before, result.after, args.into))
        how = "--apply" if args.pubs_command == "enrich" else "without --dry-run"
        print(f"build-cv: nothing written; run {how} to write {args.into}", file=sys.stderr)
        _summary(args.into, result.summary, written=False)
        return 0
    pubs.write(result)
    _summary(args.into, result.summary, written=True)
    return 0


def _cv_facts(data: Path | None) -> tuple[Owner | None, str | None]:
    """The owner and the contact address from the CV's YAML (its .bib files are not
    read: the one being imported into may not exist yet)."""
    path = data or DEFAULT_DATA
    if data is None and not path.exists():
        return None, None
    from build_cv.sources.pubs.merge import Owner
    from build_cv.sources.validate import validate
    from build_cv.sources.yaml_source import load_yaml

    cv = validate(load_yaml(path), None)
    person = cv.person
    ids = {f"orcid:{person.orcid}"} if person.orcid else set()
    if person.dblp:
        ids.add(f"dblp:{person.dblp}")
    others = [*person.author_names, *([person.native_name] if person.native_name else [])]
    owner = Owner(person.name, tuple(others), frozenset(ids))
    return owner, cv.design.contact_email


def _updates(text: str) -> frozenset[str]:
    names = {n.strip().lower() for n in text.split(",") if n.strip()}
    for name in names:
        if name not in UPDATABLE:
            raise InputError(
                f"--update: `{shorten(name)}` is not a field build-cv imports"
                f"{did_you_mean(name, UPDATABLE)}; one of {', '.join(UPDATABLE)}"
            )
    return frozenset(names)


def _diff(before: str, after: str, path: Path) -> list[str]:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{path}",
        tofile=f"{path} (imported)",
    )
    return [line if line.endswith("\n") else line + "\n" for line in lines]


def _summary(path: Path, s: Summary, written: bool) -> None:
    counts = (
        f"{len(s.new)} new, {len(s.updated)} updated, {len(s.unchanged)} unchanged, "
        f"{len(s.skipped)} skipped"
    )
    print(f"{path}: {counts}{'' if written else ' (nothing written)'}")
    if s.new:
        print(f"  new: {', '.join(s.new)}")
    if s.updated:
        print(f"  updated: {', '.join(s.updated)}")
    for where, why in s.skipped:
        print(f"  skipped: {where}: {why}")
    for where in s.not_yours:
        print(f"  may not be yours (it does not list you; --owner-only leaves it out): {where}")
    if s.kept:
        print(f"  kept your values (--update FIELD takes the source's): {', '.join(s.kept)}")
    for note in s.notes:
        print(f"  note: {note}")
