"""Language tags as the data writes them: which are known, what each means, and which
value of a map a document in a language gets."""

from __future__ import annotations

import pytest

from build_cv.languages import SUPPORTED, canonical, known, pick


@pytest.mark.parametrize(
    ("tag", "means"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("de-CH", "de"),
        ("pt-BR", "pt"),
        ("nl", "nl"),  # known to CLDR, not one build-cv has labels for
    ],
)
def test_a_tag_means_the_supported_language_it_is_written_in(tag: str, means: str) -> None:
    assert known(tag)
    assert canonical(tag) == means


@pytest.mark.parametrize("tag", ["zn", "english", "", "e", "zh_", "x-klingon"])
def test_a_typo_is_not_a_language(tag: str) -> None:
    assert not known(tag)


def test_every_supported_language_is_known() -> None:
    assert all(known(tag) and canonical(tag) == tag for tag in SUPPORTED)


def test_a_map_gives_the_value_written_for_the_language_or_none() -> None:
    values = {"en": "Education", "zh": "教育经历", "zh-Hant": "教育經歷"}
    assert pick(values, "en-GB") == "Education"
    assert pick(values, "zh-Hans") == "教育经历"
    assert pick(values, "zh-TW") == "教育經歷"
    assert pick(values, "de") is None
