"""The HTML page in a real browser: headless Chromium loads it at desktop and phone widths.

Nothing is mocked: the page is the writer's output for the default data, Chromium lays it
out, and the assertions read the browser's own geometry (DevTools protocol, see cdp.py).
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_cv.pipeline.build import load_cv
from build_cv.schema.model import CV, Publication
from build_cv.view import sentence
from tests.conftest import FIXTURES
from tests.formats.html import cdp
from tests.formats.html.cdp import Browser
from tests.render import render_document

pytestmark = pytest.mark.browser

VISIBLE = """
(texts => texts.map(text => {
  const all = [...document.querySelectorAll('h1, h2, cite.title')];
  const el = all.find(e => e.textContent.replace(/\\s+/g, ' ').trim() === text);
  if (!el) return [text, 'missing'];
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  const width = document.documentElement.clientWidth;
  const shown = box.width > 0 && box.height > 0 && style.visibility === 'visible'
    && style.display !== 'none' && Number(style.opacity) > 0.5
    && box.left >= 0 && box.right <= width + 0.5 && parseFloat(style.fontSize) >= 10;
  return [text, shown ? 'visible' : 'hidden'];
}))
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as b:
        yield b


def expected_texts(cv: CV) -> list[str]:
    texts = [cv.person.name]  # the h1: the native name has a line of its own
    for section in cv.sections:
        texts.append(section.title)
        texts += [
            sentence(" ".join(e.title.split()))
            for e in getattr(section, "entries", [])
            if isinstance(e, Publication)
        ]
    return texts


@pytest.mark.parametrize("width", [1280, 375])
def test_the_page_fits_and_shows_every_title(
    browser: Browser, default_cv: CV, tmp_path: Path, width: int
) -> None:
    page = tmp_path / "cv.html"
    page.write_text(render_document("html", default_cv), encoding="utf-8")
    browser.open(page, width)
    overflow = browser.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"horizontal overflow at {width}px: {overflow}"
    texts = expected_texts(default_cv)
    seen = dict(browser.evaluate(f"{VISIBLE}({json.dumps(texts)})"))
    assert {t: s for t, s in seen.items() if s != "visible"} == {}
    assert len(seen) == len(texts) > 20
    requests = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requests == [page.as_uri()], "the page must make no request of its own"
    shot = browser.screenshot(tmp_path / f"cv-{width}.png")
    size = png_size(shot)
    assert size[0] == width and size[1] > 2000
    assert len(shot) > 50_000, "a page of text, not a blank screenshot"


def test_hostile_data_runs_no_script(browser: Browser, tmp_path: Path) -> None:
    cv = load_cv(FIXTURES / "injection.yaml")[1]
    page = tmp_path / "hostile.html"
    page.write_text(render_document("html", cv), encoding="utf-8")
    browser.open(page, 1280)
    assert browser.evaluate("document.scripts.length") == 0
    text = browser.evaluate("document.body.innerText")
    assert "<script>alert(1)</script>" in text
    assert "Robert'); DROP TABLE cv;-- Tables" in text


def test_a_tiny_dev_shm_does_not_stop_the_browser(
    default_cv: CV, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a container with a small /dev/shm (Docker gives 64 MB): here 64 kB, in a
    mount namespace of the browser's own. The browser is told to keep its shared memory
    elsewhere, and a tall screenshot still comes back."""
    bwrap, real = shutil.which("bwrap"), cdp.chromium()
    small = ["--dev-bind", "/", "/", "--size", "65536", "--tmpfs", "/dev/shm"]
    if bwrap is None or subprocess.run([bwrap, *small, "true"], check=False).returncode:
        pytest.skip("no bubblewrap that can mount a small /dev/shm here")
    wrapper = tmp_path / "chromium-small-shm"
    wrapper.write_text(f'#!/bin/sh\nexec {bwrap} {" ".join(small)} -- {real} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setattr(cdp, "chromium", lambda: str(wrapper))
    page = tmp_path / "cv.html"
    page.write_text(render_document("html", default_cv), encoding="utf-8")
    with Browser() as browser:
        assert "--disable-dev-shm-usage" in browser.command
        browser.open(page, 1280)
        shot = browser.screenshot(tmp_path / "cv.png")
    assert png_size(shot)[1] > 2000 and len(shot) > 50_000


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


LANGS = """
[document.documentElement.lang,
 [...document.querySelectorAll('[lang]')].filter(e => e !== document.documentElement)
   .map(e => [e.textContent.trim(), e.lang])]
"""


def fonts_of(browser: Browser, selector: str) -> list[str]:
    """The fonts Chromium drew the element's text with, most glyphs first."""
    browser.page("DOM.enable")
    browser.page("CSS.enable")
    root = browser.page("DOM.getDocument")["root"]["nodeId"]
    node = browser.page("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    fonts = browser.page("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
    return [f["familyName"] for f in sorted(fonts, key=lambda f: -f["glyphCount"])]


def test_text_in_another_language_says_so_and_gets_its_glyph_forms(
    browser: Browser, default_cv: CV, tmp_path: Path
) -> None:
    """The native name of an English CV is Simplified Chinese (SC glyph forms); the Latin
    name and the English titles of a Chinese CV are English; a Traditional native name
    is drawn with the TC face and a Japanese one with the JP face."""
    page = tmp_path / "cv.html"
    page.write_text(render_document("html", default_cv), encoding="utf-8")
    browser.open(page, 1280)
    lang, marked = browser.evaluate(LANGS)
    assert lang == "en" and marked == [["方佳瑞", "zh-Hans"]]
    assert fonts_of(browser, ".second-name")[0] == "Noto Sans CJK SC"

    zh = default_cv.model_copy(
        update={"design": default_cv.design.model_copy(update={"language": "zh"})}
    )
    page.write_text(render_document("html", zh), encoding="utf-8")
    browser.open(page, 1280)
    lang, marked = browser.evaluate(LANGS)
    assert lang == "zh" and ["Jiarui Fang", "en"] in marked
    assert browser.evaluate("document.querySelector('h1').lang") == ""  # the page's own
    titles = browser.evaluate(
        "[...document.querySelectorAll('cite.title')].map(e => e.firstElementChild?.lang)"
    )
    assert len(titles) > 10 and set(titles) == {"en"}
    assert fonts_of(browser, "h1")[0] == "Noto Sans CJK SC"

    for native, face in (("zh-Hant", "TC"), ("ja", "JP"), ("ko", "KR")):
        other = default_cv.model_copy(
            update={"person": default_cv.person.model_copy(update={"native_name_language": native})}
        )
        page.write_text(render_document("html", other), encoding="utf-8")
        browser.open(page, 1280)
        assert browser.evaluate("document.querySelector('.second-name').lang") == native
        assert fonts_of(browser, ".second-name")[0] == f"Noto Sans CJK {face}"


SYNTHESIS = (
    "[...document.querySelectorAll('.where')].map(e => getComputedStyle(e).fontSynthesisStyle)"
)


def test_cjk_text_is_never_slanted(browser: Browser, default_cv: CV, tmp_path: Path) -> None:
    """An organization is italic in a Latin script; in Chinese the browser must not slant
    腾讯云 (the PDF sets CJK italic in the upright face)."""
    page = tmp_path / "cv.html"
    zh = default_cv.model_copy(
        update={"design": default_cv.design.model_copy(update={"language": "zh"})}
    )
    page.write_text(render_document("html", zh), encoding="utf-8")
    browser.open(page, 1280)
    assert set(browser.evaluate(SYNTHESIS)) == {"none"}
    page.write_text(render_document("html", default_cv), encoding="utf-8")
    browser.open(page, 1280)
    assert set(browser.evaluate(SYNTHESIS)) == {"auto"}
