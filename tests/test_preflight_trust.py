"""`build-cv check` as a gatekeeper: what a variant hides, embedded media and files, and a
fair verdict on PDFs that build-cv did not make.

Every PDF here is a small one written with pypdf (base-14 Helvetica, so `fonts` fails on
all of them and is ignored); nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from build_cv import preflight
from tests.test_preflight import (
    CheckCLI,
    action,
    annotation,
    check,
    file_spec,
    helvetica_pdf,
    js,
    resolve,
    rewrite,
    stream,
)
from tests.test_preflight_reader import BODY, failures, helvetica, text_pdf

__all__ = ["check"]  # the fixture, used by name

# ---- a variant's hidden values (issue 18) ------------------------------------------------

PHONE = "+44 20 7946 0000"
CV = {
    "person": {"name": "Ada Lovelace", "email": "ada@example.org", "phone": PHONE},
    "updated": "2024-06-15",
    "sections": [
        {"title": "Notes", "kind": "items", "entries": [{"label": "Note", "text": "Engines."}]}
    ],
    "variants": {"public": {"hide": ["person.phone", "person.email"]}},
}
SHOWN = "Ada Lovelace, Notes on the Analytical Engine"


def cv_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(CV, sort_keys=False), "utf-8")
    return path


def xmp(writer: PdfWriter, body: str) -> None:
    """An XMP metadata stream whose description holds `body` (XML-escaped as given)."""
    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description rdf:about="">'
        f"<dc:description>{body}</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    meta = DecodedStreamObject()
    meta.set_data(packet.encode())
    meta[NameObject("/Type")] = NameObject("/Metadata")
    meta[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(meta)


def compressed(writer: PdfWriter, data: bytes) -> None:
    """A Flate-compressed stream no page draws: only a tool reading the file finds it."""
    raw = DecodedStreamObject()
    raw.set_data(data)
    writer._add_object(raw.flate_encode())


# Where a hidden value can hide in a PDF, each with where the report must say it was found.
PLACES: dict[str, tuple[Callable[[PdfWriter], Any], str]] = {
    "a tel: link of the digits": (
        lambda w: w.add_annotation(0, Link(rect=(50, 50, 150, 70), url="tel:+442079460000")),
        "person.phone (written at {cv}:4:3), found in a link (/URI)",
    ),
    "a %-encoded address in a link": (
        lambda w: w.add_annotation(
            0, Link(rect=(50, 50, 150, 70), url="https://example.org/c?to=ada%40example.org")
        ),
        "person.email (written at {cv}:3:3), found in a link (/URI)",
    ),
    "the document info": (
        lambda w: w.add_metadata({"/Subject": f"Call {PHONE}"}),
        "person.phone (written at {cv}:4:3), found in the document info (/Subject)",
    ),
    "the XMP metadata, XML-escaped": (
        lambda w: xmp(w, "write to ada&#64;example.org"),
        "person.email (written at {cv}:3:3), found in the XMP metadata",
    ),
    "a compressed stream": (
        lambda w: compressed(w, b"call +44-20-7946-0000"),
        "person.phone (written at {cv}:4:3), found in the stream of object",
    ),
}


def test_a_pdf_showing_a_hidden_value_in_its_text_fails_as_the_variant(
    check: CheckCLI, tmp_path: Path
) -> None:
    cv = cv_yaml(tmp_path)
    pdf = helvetica_pdf(tmp_path / "full.pdf", f"Ada Lovelace, Notes, call {PHONE}")
    run = check(pdf, "--data", str(cv), "--variant", "public")
    assert run.code == 1
    assert run.line("hidden") == (
        f"FAIL  hidden      shows what this variant hides: person.phone (written at {cv}:4:3), "
        "found in the text of page 1 (a hidden field appears nowhere)"
    )
    assert "7946" not in run.out + run.err  # the report names the field, never the value
    names = [ln[6:].split(" ", 1)[0] for ln in check(pdf, "--data", str(cv)).out.splitlines()]
    assert "hidden" not in names  # the full CV hides nothing


@pytest.mark.parametrize("place", list(PLACES))
def test_a_hidden_value_is_found_wherever_a_tool_can_read_it(
    check: CheckCLI, tmp_path: Path, place: str
) -> None:
    edit, found = PLACES[place]
    cv = cv_yaml(tmp_path)
    clean = helvetica_pdf(tmp_path / "clean.pdf", SHOWN)
    assert check(clean, "--data", str(cv), "--variant", "public").status("hidden") == "PASS"
    pdf = rewrite(clean, tmp_path / "leaky.pdf", edit)
    line = check(pdf, "--data", str(cv), "--variant", "public").line("hidden")
    assert line.startswith("FAIL"), line
    assert found.format(cv=cv) in line


def test_numbers_apart_in_a_raw_stream_are_not_a_phone(check: CheckCLI, tmp_path: Path) -> None:
    """A drawing operator's operands (`44 20 7946 0000 re`) are not a phone number; the
    same digits drawn as text are."""
    cv = cv_yaml(tmp_path)
    clean = helvetica_pdf(tmp_path / "clean.pdf", SHOWN)
    pdf = rewrite(clean, tmp_path / "box.pdf", lambda w: compressed(w, b"q 44 20 7946 0000 re f Q"))
    assert check(pdf, "--data", str(cv), "--variant", "public").status("hidden") == "PASS"
    shown = helvetica_pdf(tmp_path / "shown.pdf", f"{SHOWN}, 44 20 7946 0000")
    assert check(shown, "--data", str(cv), "--variant", "public").status("hidden") == "FAIL"


# ---- media and associated files in the `active` check ------------------------------------


def associated(writer: PdfWriter) -> ArrayObject:
    return ArrayObject([writer._add_object(file_spec(writer))])


MEDIA: dict[str, tuple[Callable[[PdfWriter], None], str]] = {
    "RichMedia": (
        lambda w: annotation(w, "/RichMedia"),
        "rich media (RichMedia annotation on page 1)",
    ),
    "Movie": (lambda w: annotation(w, "/Movie"), "a movie (Movie annotation on page 1)"),
    "3D": (lambda w: annotation(w, "/3D"), "a 3D model (3D annotation on page 1)"),
    "Screen": (lambda w: annotation(w, "/Screen"), "media (Screen annotation on page 1)"),
    "Sound": (
        lambda w: annotation(w, "/Sound", Sound=stream(w, b"\x00" * 16)),
        "a sound (Sound annotation on page 1)",
    ),
    "document /AF": (
        lambda w: w.root_object.__setitem__(NameObject("/AF"), associated(w)),
        "associated files (/AF) of the document",
    ),
    "page /AF": (
        lambda w: w.pages[0].__setitem__(NameObject("/AF"), associated(w)),
        "associated files (/AF) of page 1",
    ),
    "annotation /AF": (
        lambda w: annotation(w, "/Text", AF=associated(w)),
        "associated files (/AF) of a Text annotation on page 1",
    ),
}


@pytest.mark.parametrize("kind", list(MEDIA))
def test_media_and_associated_files_fail_the_active_check(
    check: CheckCLI, tmp_path: Path, kind: str
) -> None:
    fails_active(check, tmp_path, *MEDIA[kind])


def fails_active(
    check: CheckCLI, tmp_path: Path, edit: Callable[[PdfWriter], Any], named: str, sep: str = ""
) -> None:
    """The one-page PDF passes `active`; with `edit` made to it, it fails, naming it."""
    clean = helvetica_pdf(tmp_path / "clean.pdf", SHOWN)
    assert check(clean).status("active") == "PASS"
    run = check(rewrite(clean, tmp_path / "edited.pdf", edit))
    assert run.code == 1
    assert run.line("active").startswith(f"FAIL  active      {named}{sep}"), run.line("active")


# ---- a fair verdict on a PDF build-cv did not make ----------------------------------------


def foreign_pdf(path: Path, info: dict[str, str], lang: bool = False) -> Path:
    """A PDF from another program: its own Creator, no /Lang unless asked."""
    writer = PdfWriter()
    writer.add_metadata(info)
    if lang:
        writer._root_object[NameObject("/Lang")] = TextStringObject("en")
    content = DictionaryObject({NameObject("/F1"): helvetica()})
    page = writer.add_blank_page(595.28, 841.89)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): content})
    page[NameObject("/Contents")] = stream(writer, BODY)
    writer.write(path)
    return path


WORD = {"/Title": "CV", "/Author": "Ada Lovelace", "/Creator": "Microsoft Word"}


def test_a_foreign_pdf_without_language_subject_or_keywords_only_warns(
    check: CheckCLI, tmp_path: Path
) -> None:
    run = check(foreign_pdf(tmp_path / "word.pdf", WORD))
    assert failures(run) == [], run.out
    assert run.line("language") == "WARN  language    no /Lang (screen readers need the language)"
    assert run.status("metadata") == "WARN"
    assert check(tmp_path / "word.pdf", "--strict").code == 1


def test_a_pdf_build_cv_made_still_needs_its_language(check: CheckCLI, tmp_path: Path) -> None:
    ours = {**WORD, "/Creator": "build-cv with LaTeX and moderncv"}
    run = check(foreign_pdf(tmp_path / "ours.pdf", ours))
    assert run.status("language") == "FAIL"
    assert run.status("metadata") == "FAIL"  # Subject and Keywords: build-cv always sets them


def test_the_hint_to_set_metadata_from_the_data_needs_data(check: CheckCLI, tmp_path: Path) -> None:
    pdf = foreign_pdf(tmp_path / "untitled.pdf", {"/Creator": "Word"}, lang=True)
    run = check(pdf)
    assert run.line("metadata") == (
        "FAIL  metadata    Title is empty; Author is empty (portals show and index them)"
    )
    assert "CV data" not in run.out + run.err
    with_data = check(pdf, "--data", str(cv_yaml(tmp_path)))
    assert with_data.line("metadata").endswith("(set from the CV data)")


def test_each_failure_is_described_once(check: CheckCLI, tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "short.pdf", BODY)
    run = check(pdf, "--max-pages", "1", "--min-pages", "2", "--paper", "letter")
    assert run.code == 1
    for detail in ("1 page", "at least 2 required", "LETTER expected on every page"):
        assert (run.out + run.err).count(detail) == 1, detail
    assert run.err == "build-cv: check failed: pages, paper, fonts (details in the report)\n"


def test_a_hidden_field_found_twice_at_one_place_is_named_once(
    check: CheckCLI, tmp_path: Path
) -> None:
    """Hiding a .bib entry's url hides the arXiv id taken from it too: two values, one
    field written at one line, so the report names it once."""
    (tmp_path / "pubs.bib").write_text(
        "@misc{k, author = {Ada Lovelace}, title = {Notes}, year = 1843,\n"
        "  url = {https://arxiv.org/abs/2401.00001}}\n",
        "utf-8",
    )
    data = {**CV, "sections": [{"title": "Papers", "kind": "publications", "bib": "pubs.bib"}]}
    data["variants"] = {"public": {"hide": ["publications.url"]}}
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    pdf = helvetica_pdf(tmp_path / "full.pdf", f"{SHOWN}, https://arxiv.org/abs/2401.00001")
    line = check(pdf, "--data", str(cv), "--variant", "public").line("hidden")
    assert line.count("publications.url") == 1, line
    assert f"publications.url (written at {tmp_path / 'pubs.bib'}:1), found in" in line


@pytest.mark.parametrize(
    ("variant", "said"),
    [
        (
            "all",
            "build-cv: `--variant all` is for build; check reads one PDF: name its variant "
            "(the data defines: public)\n",
        ),
        (
            "pubilc",
            "build-cv: unknown variant `pubilc` (did you mean `public`?); "
            "the data defines: public\n",
        ),
    ],
)
def test_check_names_the_variants_it_can_check(
    check: CheckCLI, tmp_path: Path, variant: str, said: str
) -> None:
    """`all` builds every variant, but a PDF is one of them: check never offers it."""
    pdf = helvetica_pdf(tmp_path / "cv.pdf", SHOWN)
    run = check(pdf, "--data", str(cv_yaml(tmp_path)), "--variant", variant)
    assert (run.code, run.out, run.err) == (2, "", said)


# ---- actions in bookmarks, widgets and media actions (red team C4) -----------------------


def bookmark(writer: PdfWriter, title: str, act: Any = None, parent: Any = None) -> Any:
    """A bookmark to page 1 that runs `act` when clicked, if given."""
    item = writer.add_outline_item(title=title, page_number=0, parent=parent)
    if act is not None:
        resolve(item)[NameObject("/A")] = act
    return item


def nested_bookmark(writer: PdfWriter) -> None:
    section = bookmark(writer, "Section")
    bookmark(writer, "Sub", js(), parent=section)


def bookmark_loop(writer: PdfWriter, act: Any = None) -> None:
    """Two bookmarks whose /Next links run in a circle; the second runs `act`."""
    first = bookmark(writer, "One")
    second = bookmark(writer, "Two", act)
    resolve(second)[NameObject("/Next")] = first


def widget_uri(uri: str) -> Callable[[PdfWriter], None]:
    return lambda w: annotation(w, "/Widget", A=action("/URI", URI=uri))


SCRIPTED: dict[str, tuple[Callable[[PdfWriter], Any], str]] = {
    "JavaScript bookmark": (
        lambda w: bookmark(w, "Click me", js()),
        "JavaScript in the bookmark 'Click me'",
    ),
    "nested JavaScript bookmark": (nested_bookmark, "JavaScript in the bookmark 'Sub'"),
    "JavaScript in the next bookmark": (
        lambda w: (bookmark(w, "First"), bookmark(w, "Second", js())),
        "JavaScript in the bookmark 'Second'",
    ),
    "JavaScript in a loop of bookmarks": (
        lambda w: bookmark_loop(w, js()),
        "JavaScript in the bookmark 'Two'",
    ),
    "JavaScript after a bookmark's harmless action": (
        lambda w: bookmark(w, "Go", action("/URI", URI="https://example.org", Next=js())),
        "JavaScript in the bookmark 'Go'",
    ),
    "Launch bookmark": (
        lambda w: bookmark(w, "Run", action("/Launch", F="calc.exe")),
        "a Launch action (runs a program) in the bookmark 'Run'",
    ),
    "javascript: URI bookmark": (
        lambda w: bookmark(w, "Go", action("/URI", URI="javascript:app.alert(1)")),
        "a javascript: URI (runs a script) in the bookmark 'Go'",
    ),
    "javascript: URI widget": (
        widget_uri("javascript:alert(1)"),
        "a javascript: URI (runs a script) in a Widget annotation on page 1",
    ),
    "JavaScript: URI in capitals": (
        widget_uri("JavaScript:alert(1)"),
        "a javascript: URI (runs a script) in a Widget annotation on page 1",
    ),
    "javascript: URI with blanks and control characters": (
        widget_uri(" \x01java\tscr\nipt :alert(1)"),
        "a javascript: URI (runs a script) in a Widget annotation on page 1",
    ),
    "vbscript: URI": (
        widget_uri("VBScript:MsgBox(1)"),
        "a vbscript: URI (runs a script) in a Widget annotation on page 1",
    ),
    "javascript: URI as the OpenAction": (
        lambda w: w.root_object.__setitem__(
            NameObject("/OpenAction"), action("/URI", URI="javascript:alert(1)")
        ),
        "a javascript: URI (runs a script) in the /OpenAction",
    ),
    "Sound action": (
        lambda w: annotation(w, "/Link", A=action("/Sound", Sound=stream(w, b"\x00" * 16))),
        "a Sound action (plays media) in a Link annotation on page 1",
    ),
    "Movie action": (
        lambda w: annotation(w, "/Link", A=action("/Movie", T="m")),
        "a Movie action (plays media) in a Link annotation on page 1",
    ),
}


@pytest.mark.parametrize("kind", list(SCRIPTED))
def test_actions_in_bookmarks_and_widgets_and_media_actions_fail(
    check: CheckCLI, tmp_path: Path, kind: str
) -> None:
    fails_active(check, tmp_path, *SCRIPTED[kind], sep=" (")


def harmless_bookmarks(writer: PdfWriter) -> None:
    first = writer.pages[0].indirect_reference
    bookmark(writer, "GoTo", action("/GoTo", D=ArrayObject([first, NameObject("/Fit")])))
    bookmark(writer, "Hide", action("/Hide", T=TextStringObject("x")))
    bookmark(writer, "Layers", action("/SetOCGState", State=ArrayObject()))
    bookmark(writer, "Site", action("/URI", URI="https://example.org/javascript:"))
    bookmark_loop(writer)  # last: pypdf refuses to add to a loop


def test_bookmarks_that_only_go_somewhere_pass(check: CheckCLI, tmp_path: Path) -> None:
    clean = helvetica_pdf(tmp_path / "clean.pdf", SHOWN)
    run = check(rewrite(clean, tmp_path / "bookmarks.pdf", harmless_bookmarks))
    assert run.status("active") == "PASS", run.line("active")


def test_an_outline_too_long_to_check_fails(
    check: CheckCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preflight, "_MAX_BOOKMARKS", 3)
    clean = helvetica_pdf(tmp_path / "clean.pdf", SHOWN)
    four = rewrite(clean, tmp_path / "many.pdf", lambda w: [bookmark(w, t) for t in "abcd"])
    assert (
        check(four)
        .line("active")
        .startswith("FAIL  active      more than 3 bookmarks (not all checked)")
    )
    three = rewrite(clean, tmp_path / "three.pdf", lambda w: [bookmark(w, t) for t in "abc"])
    assert check(three).status("active") == "PASS"
