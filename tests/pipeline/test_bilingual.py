"""One record in several languages: a text field is a string or a map of translations, a
document's language picks from each map, a missing translation falls back and is listed,
and a variant that requires its translations refuses to build without them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.errors import InputError, SchemaError
from build_cv.pipeline.build import BuildOptions, BuildResult, build
from build_cv.pipeline.lint import lint
from build_cv.schema.model import json_schema
from build_cv.sources.load import load_cv
from tests.conftest import DEFAULT_DATA, ROOT, default_sections

Capture = pytest.CaptureFixture[str]

BILINGUAL: dict[str, Any] = {
    "person": {"name": "Jiarui Fang", "native_name": "方佳瑞", "email": "ada@example.org"},
    "updated": "2024-06-15",
    "design": {"icons": False},
    "summary": {"en": "I build systems.", "zh": "我构建系统。"},
    "sections": [
        {
            "title": {"en": "Education", "zh": "教育经历"},
            "kind": "education",
            "entries": [
                {
                    "institution": {"en": "Tsinghua University", "zh": "清华大学"},
                    "degree": {"en": "Ph.D. in Computer Science"},
                    "start": "2014-09",
                    "end": "2019-07",
                }
            ],
        },
        {
            "title": {"en": "Notes", "zh": "备注"},
            "kind": "items",
            "tags": ["extra"],
            "entries": [{"label": "X", "text": "SIMD"}],
        },
    ],
    "variants": {
        "zh": {"language": "zh", "description": "Chinese CV"},
        "zh-strict": {"language": "zh", "checks": {"translations": "required"}},
        "zh-short": {
            "language": "zh",
            "omit_tags": ["extra"],
            "checks": {"translations": "required"},
        },
    },
}


def test_a_document_prints_each_field_in_its_language(
    tmp_path: Path, write_cv: Callable[[dict[str, object]], Path]
) -> None:
    out = tmp_path / "out"
    options = BuildOptions(variant="zh", formats=("txt", "json"))
    (txt, js) = build(write_cv(BILINGUAL), out, options).outcomes
    assert txt.error is None and js.error is None
    text = (out / "cv-zh.txt").read_text("utf-8")
    assert "教育经历" in text and "清华大学" in text and "我构建系统。" in text
    assert "Education" not in text and "Tsinghua" not in text
    assert "Ph.D. in Computer Science" in text  # no zh text: the fallback's
    assert json.loads((out / "cv-zh.json").read_text("utf-8"))["meta"]["language"] == "zh"
    build(write_cv(BILINGUAL), out, BuildOptions(formats=("txt",)))
    english = (out / "cv.txt").read_text("utf-8")
    assert "Education" in english and "清华大学" not in english


def test_build_language_sets_every_document(
    tmp_path: Path, write_cv: Callable[[dict[str, object]], Path]
) -> None:
    out = tmp_path / "out"
    options = BuildOptions(formats=("txt",), language="zh-CN")
    assert build(write_cv(BILINGUAL), out, options).outcomes[0].error is None
    assert "清华大学" in (out / "cv.txt").read_text("utf-8")


def test_lint_lists_each_missing_translation_at_its_line_for_the_variant(
    write_cv: Callable[[dict[str, object]], Path],
) -> None:
    loaded, cv = load_cv(write_cv(BILINGUAL))
    found = [str(w) for w in lint(loaded, cv) if w.kind == "translation"]
    assert len(found) == 1, found  # once, though three variants are in zh
    (message,) = found
    assert message.startswith(f"{loaded.path}:")
    assert "sections[0].entries[0].degree: no text in zh; the en text is printed" in message


def test_translations_required_fails_that_variant_only(
    tmp_path: Path, write_cv: Callable[[dict[str, object]], Path], capsys: Capture
) -> None:
    data = write_cv(BILINGUAL)
    out = tmp_path / "out"
    code = main(["build", str(data), "--out", str(out), "--variant", "all", "--format", "txt"])
    output = capsys.readouterr()
    assert code == 2  # one variant's data is incomplete (bad input); the others were built
    assert "zh-strict txt: variant `zh-strict` requires every text in zh" in output.err
    assert "sections[0].entries[0].degree: no text in zh;" in output.err
    assert (out / "cv-zh.txt").exists() and not (out / "cv-zh-strict.txt").exists()
    # the short variant leaves the untranslated entry in... then adds the translation
    assert not (out / "cv-zh-short.txt").exists()
    translated = json.loads(json.dumps(BILINGUAL))
    translated["sections"][0]["entries"][0]["degree"]["zh"] = "计算机科学与技术 博士"
    code = main(
        [
            "build",
            str(write_cv(translated)),
            "--out",
            str(out),
            "--variant",
            "zh-strict",
            "--format",
            "txt",
        ]
    )
    assert code == 0, capsys.readouterr().err


@pytest.mark.parametrize("formats", ["pdf", "txt", "txt,md"])
def test_missing_translations_exit_2_whatever_the_formats(
    write_cv: Callable[[dict[str, object]], Path], capsys: Capture, tmp_path: Path, formats: str
) -> None:
    """A single PDF raised the error (exit 2); a text build put it in the table (exit 1)
    and said `failed in 13280.1 s`, the seconds since the machine started."""
    args = ["build", str(write_cv(BILINGUAL)), "--out", str(tmp_path / "out")]
    code = main([*args, "--variant", "zh-strict", "--format", formats, "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "requires every text in zh" in err
    if formats != "pdf":
        assert f"build-cv: zh-strict {formats[:3]}: failed\n" in err
    assert "failed in" not in err  # no time for what never started


def test_what_a_variant_leaves_out_needs_no_translation(
    tmp_path: Path, write_cv: Callable[[dict[str, object]], Path]
) -> None:
    data = json.loads(json.dumps(BILINGUAL))
    data["sections"][1]["entries"][0]["text"] = {"en": "only English"}
    out = tmp_path / "out"
    outcome = build(write_cv(data), out, BuildOptions("zh-strict", ("txt",))).outcomes[0]
    assert outcome.error is not None and "sections[1].entries[0].text" in outcome.error.render()
    data["sections"][0]["entries"][0]["degree"]["zh"] = "博士"
    outcome = build(write_cv(data), out, BuildOptions("zh-short", ("txt",))).outcomes[0]
    assert outcome.error is None  # the Notes section, still English only, is left out


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            {"title": {"en": "Education", "zn": "教育经历"}},
            "`zn` is not a language tag (did you mean `zh`?)",
        ),
        ({"title": {"de": "Ausbildung"}}, "has no text in en, the document's language, nor in en"),
        ({"title": {}}, "an empty map of translations"),
        ({"title": {"en": ["Education"]}}, "the `en` text must be a string"),
    ],
)
def test_a_wrong_map_is_an_input_error_at_its_line(
    write_cv: Callable[[dict[str, object]], Path], change: dict[str, Any], said: str
) -> None:
    data = json.loads(json.dumps(BILINGUAL))
    data["sections"][0].update(change)
    data.pop("variants")
    path = write_cv(data)
    with pytest.raises(SchemaError) as info:
        load_cv(path)
    (problem,) = info.value.problems
    assert said in problem.message
    assert problem.location.field == "sections[0].title"
    assert problem.location.line is not None


def test_an_unknown_language_is_refused_with_a_suggestion(
    tmp_path: Path, write_cv: Callable[[dict[str, object]], Path], capsys: Capture
) -> None:
    data = json.loads(json.dumps(BILINGUAL))
    data["variants"]["zh"]["language"] = "zhh"
    code = main(["lint", str(write_cv(data))])
    err = capsys.readouterr().err
    assert code == 2 and "variants.zh.language: `zhh` is not a language tag (did you mean" in err
    with pytest.raises(SystemExit) as usage:
        main(["build", str(write_cv(BILINGUAL)), "--language", "dee", "--out", str(tmp_path)])
    assert usage.value.code == 2
    assert "'dee' is not a language tag (did you mean `de`?)" in capsys.readouterr().err


def test_the_json_schema_takes_a_text_in_either_form() -> None:
    schema = json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads(json.dumps(BILINGUAL))
    assert list(validator.iter_errors(data)) == []
    data["sections"][0]["title"] = {"EN!": "x"}
    assert list(validator.iter_errors(data))
    committed = json.loads((ROOT / "schema" / "cv.schema.json").read_text("utf-8"))
    assert committed == schema


@pytest.mark.tex
def test_the_default_chinese_cv_passes_its_preflight(
    zh_build: BuildResult, capsys: Capture
) -> None:
    """out/cv-zh.pdf: every font embedded with ToUnicode, /Lang zh, the text in reading
    order from the Chinese name on, checked against the zh variant's own data."""
    assert zh_build.report.failed(strict=True) == []
    code = main(["check", str(zh_build.pdf), "--data", str(DEFAULT_DATA), "--variant", "zh"])
    out = capsys.readouterr().out
    assert code == 0, out
    for line in (
        "/Lang zh",
        "every font maps its glyphs to Unicode",
        f"{default_sections('zh')} section titles found",
    ):
        assert line in out
    text = PdfReader(zh_build.pdf).pages[0].extract_text()
    assert text.startswith("方佳瑞\nJiarui Fang\n")
    assert "工作经历" in text and "清华大学" in text


def test_a_bib_file_named_only_for_another_language_is_never_an_output(tmp_path: Path) -> None:
    """`bib: {en: en.bib, zh: cv-zh.bib}` built with `--variant zh --format bib --out .`:
    the zh variant's .bib output is named cv-zh.bib, the file the zh text is read from.
    The build must refuse, as it does for the design language's .bib, not replace it."""
    (tmp_path / "en.bib").write_text(
        "@article{a, author={A, B}, title={T}, journal={J}, year=2020}\n"
    )
    own = "% hand-curated\n@article{a, author={A, B}, title={Z}, journal={J}, year=2020}\n"
    (tmp_path / "cv-zh.bib").write_text(own, encoding="utf-8")
    data = tmp_path / "cv.yaml"
    section = {
        "title": "Papers",
        "kind": "publications",
        "bib": {"en": "en.bib", "zh": "cv-zh.bib"},
    }
    record = {
        "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "updated": "2024-06-15",
        "sections": [section],
        "variants": {"zh": {"language": "zh"}},
    }
    data.write_text(json.dumps(record), encoding="utf-8")
    for variant in ("zh", "all"):
        with pytest.raises(InputError, match="would overwrite this input"):
            build(data, tmp_path, BuildOptions(variant=variant, formats=("bib",)))
        assert (tmp_path / "cv-zh.bib").read_text(encoding="utf-8") == own


@pytest.mark.parametrize(
    "variant", [["--variant", "zh"], ["--variant", "all"], ["--language", "zh"]]
)
def test_watch_watches_the_bib_file_of_every_language_it_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variant: list[str]
) -> None:
    """`bib: {en: en.bib, zh: cv-zh.bib}`: watch looked at en.bib only, so saving the
    Chinese .bib never rebuilt the Chinese CV."""
    import build_cv.pipeline.watch

    for name in ("en.bib", "cv-zh.bib"):
        (tmp_path / name).write_text(
            "@article{a, author={A, B}, title={T}, journal={J}, year=2020}\n"
        )
    data = tmp_path / "cv.yaml"
    section = {
        "title": "Papers",
        "kind": "publications",
        "bib": {"en": "en.bib", "zh": "cv-zh.bib"},
    }
    record = {
        "person": {"name": "Ada Lovelace"}, "updated": "2024-06-15", "sections": [section],
        "variants": {"zh": {"language": "zh"}},
    }  # fmt: skip
    data.write_text(json.dumps(record), encoding="utf-8")
    watched: list[Path] = []

    def first_round(inputs: Callable[[], list[Path]], rebuild: Callable[[], None]) -> None:
        watched.extend(inputs())  # what the watch would wait on; no build is run

    monkeypatch.setattr(build_cv.pipeline.watch, "watch", first_round)
    assert main(["watch", str(data), "--out", str(tmp_path / "out"), *variant]) == 0
    assert tmp_path / "cv-zh.bib" in watched and data in watched
