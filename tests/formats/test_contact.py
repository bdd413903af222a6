"""The header's contact data in every format: profile links built once, in the view, the
phone linked in E.164, an http homepage linked as http, and each of them hideable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.pipeline.lint import lint
from build_cv.preflight import extract_text, normalize
from build_cv.schema.model import CV
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.variants import select
from build_cv.view import PROFILES, build_view
from tests.render import render_document, tex_for

PERSON: dict[str, Any] = {
    "name": "Ada Lovelace",
    "location": "Berlin, Germany",
    "phone": "030 1234567",
    "homepage": "http://example.org/~ada",
    "github": "adalovelace",
    "linkedin": "ada-lovelace",
    "orcid": "0000-0002-1825-0097",
    "scholar": "AbCdEfGAAAAJ",
    "researchgate": "Ada-Lovelace",
    "dblp": "09/5768",
    "semantic_scholar": "1741101",
    "mastodon": "@ada@mathstodon.xyz",
    "bluesky": "ada.bsky.social",
    "x": "ada_lovelace",
}
URLS = {
    "github": "https://github.com/adalovelace",
    "linkedin": "https://www.linkedin.com/in/ada-lovelace",
    "orcid": "https://orcid.org/0000-0002-1825-0097",
    "scholar": "https://scholar.google.com/citations?user=AbCdEfGAAAAJ",
    "researchgate": "https://www.researchgate.net/profile/Ada-Lovelace",
    "dblp": "https://dblp.org/pid/09/5768.html",
    "semantic_scholar": "https://www.semanticscholar.org/author/1741101",
    "mastodon": "https://mathstodon.xyz/@ada",
    "bluesky": "https://bsky.app/profile/ada.bsky.social",
    "x": "https://x.com/ada_lovelace",
}


def contact_cv(**variants: Any) -> CV:
    data = {"person": PERSON, "updated": "2024-06-15", "variants": variants}
    return from_loaded(load_yaml_text(yaml.safe_dump(data), Path("cv.yaml")))


def test_the_view_builds_each_profile_address_and_label_once() -> None:
    header = build_view(contact_cv()).header
    assert [p.field for p in header.profiles] == list(PROFILES)
    assert {p.field: p.url for p in header.profiles} == URLS
    labels = {p.field: p.label for p in header.profiles}
    assert labels["github"] == "github.com/adalovelace"
    assert labels["orcid"] == "ORCID 0000-0002-1825-0097"
    assert labels["scholar"] == "Google Scholar"
    assert labels["mastodon"] == "@ada@mathstodon.xyz"
    assert labels["bluesky"] == "@ada.bsky.social"
    assert header.phone == "030 1234567"
    assert header.phone_url == "tel:+49301234567"


def outputs(cv: CV) -> dict[str, str]:
    return {"tex": tex_for(cv), **{f: render_document(f, cv) for f in ("html", "md", "txt")}}


def test_every_format_links_every_profile_to_the_view_address() -> None:
    cv = contact_cv()
    shown = outputs(cv)
    for field, url in URLS.items():
        html_url = url.replace("&", "&amp;")
        assert f'<a href="{html_url}">' in shown["html"], field
        assert f"(<{url}>)" in shown["md"], field
        assert url in shown["txt"], field
    document = json.loads(render_document("json", cv))
    profiles = {p["network"]: (p["username"], p["url"]) for p in document["basics"]["profiles"]}
    assert profiles["Google Scholar"] == ("AbCdEfGAAAAJ", URLS["scholar"])
    assert {url for _, url in profiles.values()} == set(URLS.values())


def test_the_latex_links_each_profile_to_the_view_address() -> None:
    tex = tex_for(contact_cv())
    assert r"\social[github][github.com/adalovelace]{github.com/adalovelace}" in tex
    linkedin = (
        r"\social[linkedin][www.linkedin.com/in/ada-lovelace]{linkedin.com/in/ada{-}lovelace}"
    )
    assert linkedin in tex
    assert r"\social[cvscholar][scholar.google.com/citations?user=AbCdEfGAAAAJ]" in tex
    assert r"\social[cvx][x.com/ada\_lovelace]{x.com/ada\_lovelace}" in tex
    assert r"\social[cvmastodon][mathstodon.xyz/@ada]{@ada@mathstodon.xyz}" in tex


def test_a_handle_prints_with_its_site_in_every_format() -> None:
    """A bare `adalovelace` under the name was read as the name by a résumé parser."""
    shown = outputs(contact_cv())
    assert r"{github.com/adalovelace}" in shown["tex"]
    assert ">github.com/adalovelace</a>" in shown["html"]
    assert "[github.com/adalovelace](<https://github.com/adalovelace>)" in shown["md"]
    assert "https://github.com/adalovelace" in shown["txt"]
    for text in shown.values():
        assert not re.search(r"(?<![/.\w])adalovelace(?![\w.])", text), text


def test_the_phone_is_printed_as_typed_and_linked_in_e164() -> None:
    shown = outputs(contact_cv())
    assert r"\href{tel:+49301234567}{030 1234567}" in shown["tex"]
    assert '<a href="tel:+49301234567">030 1234567</a>' in shown["html"]
    assert "030 1234567" in shown["md"] and "030 1234567" in shown["txt"]


def test_an_http_homepage_is_linked_as_http() -> None:
    shown = outputs(contact_cv())
    assert r"\cvhttplink{example.org/\string~ada}" in shown["tex"]
    assert r"\homepage{" not in shown["tex"]
    assert '<a href="http://example.org/~ada">' in shown["html"]
    assert "http://example.org/~ada" in shown["txt"]


@pytest.mark.parametrize("field", [*PROFILES, "phone", "homepage"])
def test_a_hidden_profile_is_in_no_format(field: str) -> None:
    cv = select(contact_cv(web={"hide": [f"person.{field}"]}), "web").cv
    shown = outputs(cv)
    shown["json"] = render_document("json", cv)
    value = PERSON[field]
    bare = value.removeprefix("http://").replace("~", r"\string~")
    forms = {value, bare, value.replace("_", r"\_"), URLS.get(field, value), "49301234567"}
    if field != "phone":
        forms.discard("49301234567")
    for fmt, text in shown.items():
        assert not [f for f in forms if f in text], (fmt, field)


def test_lint_suggests_https_for_an_http_homepage(tmp_path: Path) -> None:
    text = "person:\n  name: Ada\n  homepage: http://example.org\nupdated: 2024-06-15\n"
    loaded = load_yaml_text(text, tmp_path / "cv.yaml")
    (warning,) = lint(loaded, from_loaded(loaded))
    assert str(warning).startswith(f"{tmp_path / 'cv.yaml'}:3:")
    assert "plain http" in str(warning) and "https://" in str(warning)


@pytest.mark.tex
def test_the_pdf_links_every_profile_the_phone_and_the_homepage(tmp_path: Path) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump({"person": PERSON, "updated": "2024-06-15"}))
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 0
    reader = PdfReader(tmp_path / "out" / "cv.pdf")
    links = set()
    for annot in reader.pages[0].get("/Annots") or []:
        action = annot.get_object().get("/A")
        if action is not None and "/URI" in action:
            links.add(str(action["/URI"]))
    assert set(URLS.values()) <= links, "moderncv's github/linkedin/orcid match the view's"
    assert {"tel:+49301234567", "http://example.org/~ada"} <= links
    text = normalize(extract_text(reader))
    assert "0000-0002-1825-0097 Google Scholar researchgate.net" in text, "no letter symbols"
    assert " tw " not in text and " gs " not in text and " rg " not in text
