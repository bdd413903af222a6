"""`--front-matter hugo|jekyll` Markdown in the real generators: Debian's Hugo and Jekyll.

Each test builds a minimal site around the Markdown that `build-cv build` wrote for a CV
whose fields hold Liquid tags, Hugo shortcodes and attribute syntax (fixtures/sitegen.yaml),
and reads the generated HTML: every field shows as typed, and nothing ran. The sites define
what a hostile field would reach for: shortcodes and an include that print a marker, a site
parameter and settings that are secrets.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from build_cv.cli.main import main
from tests.conftest import FIXTURES
from tests.formats.html.test_writer import Page

pytestmark = pytest.mark.sitegen

HOSTILE = FIXTURES / "sitegen.yaml"

# As the fixture's fields hold them; the page must show each one.
TYPED = [
    "Ada {{ 7*7 }} Lovelace - Curriculum Vitae",  # the front matter's title, in the layout
    "Ada {{ 7*7 }} Lovelace",
    "{{< param secret >}} and {{% param secret %}}",
    "{% include marker.html %}",
    "Liquid {% include /etc/passwd %} and {{ site.github }} and {{ 7*7 }};",
    'Hugo {{< readfile "/etc/passwd" >}} and {{% include "x" %}};',
    "split {{ 7*7 }} and {{% include marker.html %}};",  # `{` + **{ 7*7 }** + `}`
    "entity &#123;{ 7*7 }} and {::nomarkdown}<b>raw</b>{:/}.",
    "Wow!a click and !an image",  # two links from markup, and no image
    "Work {#pwned .evil}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "Org {, { 7*7 }}",
    "{{% include marker.html %}}",
    "strong{: onclick=alert(1)}",
    "{{< include >}}{{< /include >}}",
    "x {::comment} hidden {:/comment} y",
    "Papers {{ site.title }}",
    "On {{ 7*7 }} and {% include marker.html %}",
    "{{< include >}} Babbage",
    "Proc. {{% include %}}",
    "doi:10.1234/{{<include>}}{%include%}",
    "{{ site.github }}",
    "{{ site.title }} Referee",
    "Professor, {% include marker.html %}",
    "Marks: back \\ tick ` star * low _ sq [ ] lt < gt > dollar $ $$x$$ tilde ~ ~~ bar | amp & "
    "&amp; &#35; hash # plus + eq = colon :",
]
# What running any of it would print: markers, secrets, a file's contents, 7*7.
RAN = ("RAN-", "SECRET", "root:", "49")

HUGO_CONFIG = """\
baseURL = "https://example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]
[params]
secret = "SECRET-PARAM"
"""
JEKYLL_CONFIG = """\
title: SECRET-TITLE
github: SECRET-GITHUB
markdown: kramdown
"""


def markdown(kind: str, out: Path) -> Path:
    """The Markdown the command line writes, as a user would make it."""
    code = main(
        ["build", str(HOSTILE), "--format", "md", "--front-matter", kind, "--out", str(out)]
    )
    assert code == 0
    return out / "sitegen.md"


def run(command: list[str], cwd: Path) -> None:
    if shutil.which(command[0]) is None:
        pytest.fail(
            f"{command[0]} is not installed: bash scripts/install-sitegen.sh (make test does)"
        )
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}\n{done.stderr}"


def hugo_page(md: Path, site: Path) -> str:
    (site / "content").mkdir(parents=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "shortcodes").mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG)
    (site / "layouts" / "_default" / "single.html").write_text(
        "<h1>{{ .Title }}</h1>\n{{ .Content }}\n"
    )
    for name in ("readfile", "include"):
        (site / "layouts" / "shortcodes" / f"{name}.html").write_text(f"RAN-{name}")
    shutil.copyfile(md, site / "content" / "cv.md")
    run(["hugo", "--quiet", "--destination", str(site / "public")], site)
    return (site / "public" / "cv" / "index.html").read_text(encoding="utf-8")


def jekyll_page(md: Path, site: Path) -> str:
    (site / "_layouts").mkdir(parents=True)
    (site / "_includes").mkdir()
    (site / "_config.yml").write_text(JEKYLL_CONFIG)
    (site / "_layouts" / "page.html").write_text(
        "<h1>{{ page.title | escape }}</h1>\n{{ content }}\n"
    )
    (site / "_includes" / "marker.html").write_text("RAN-include")
    shutil.copyfile(md, site / "cv.md")
    run(["jekyll", "build", "--safe", "--quiet", "--disable-disk-cache"], site)
    return (site / "_site" / "cv.html").read_text(encoding="utf-8")


def untypeset(text: str) -> str:
    """Both generators make straight quotes curly in all text (their typography setting):
    undone here, so every other character is compared as typed."""
    return text.translate(str.maketrans("“”‘’", "\"\"''"))


def assert_literal(html: str) -> None:
    page = Page(html)
    text = untypeset(page.joined())
    missing = [typed for typed in TYPED if typed not in text]
    assert missing == [], f"not shown as typed:\n{text}"
    assert [s for s in RAN if s in text] == [], text
    assert {tag for tag, _ in page.tags} <= {
        "h1",
        "h2",
        "h3",
        "p",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
    }
    for _, attrs in page.tags:
        assert set(attrs) <= {"id", "href"}, attrs
        assert not (attrs.get("id") or "").startswith("pwned"), attrs
        href = attrs.get("href") or "https://"
        assert href.startswith(("https://", "mailto:")) and "{" not in href, attrs


def test_hugo_shows_shortcodes_and_actions_as_typed(tmp_path: Path) -> None:
    assert_literal(hugo_page(markdown("hugo", tmp_path / "out"), tmp_path / "site"))


def test_jekyll_shows_liquid_as_typed(tmp_path: Path) -> None:
    assert_literal(jekyll_page(markdown("jekyll", tmp_path / "out"), tmp_path / "site"))
