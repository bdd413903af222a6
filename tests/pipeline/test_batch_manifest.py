"""The batch manifest: every problem at its file and line, before anything is built; the
shards: stable under additions, and together exactly everyone. No TeX:
tests/cli/test_batch_e2e.py runs the builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_cv.errors import InputError
from build_cv.pipeline.batch import (
    ManifestError,
    Person,
    Shard,
    in_shard,
    parse_shard,
    read_manifest,
)


def _manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_manifest_gives_each_person_their_defaults_and_own_choices(tmp_path: Path) -> None:
    path = _manifest(
        tmp_path,
        "defaults:\n  variants: [short]\n  formats: [txt, pdf]\n"
        "people:\n"
        "  - chem/ada.yaml\n"
        "  - cv: bob.yaml\n    id: robert\n    full: false\n    variants: [public, short]\n"
        "  - cv: eve.yaml\n    variants: all\n    formats: all\n",
    )
    ada, bob, eve = read_manifest(path)
    assert (ada.id, ada.cv, ada.variants, ada.formats) == (
        "chem-ada",
        tmp_path / "chem" / "ada.yaml",
        (None, "short"),
        ("pdf", "txt"),
    )
    assert ada.where == f"{path}:5:5"
    assert (bob.id, bob.variants) == ("robert", ("public", "short"))
    assert eve.variants == ("all",) and "html" in eve.formats


def test_every_manifest_problem_is_named_by_file_and_line(tmp_path: Path) -> None:
    path = _manifest(
        tmp_path,
        "people:\n"
        "  - cv: a.yaml\n    formats: [pdf, docx]\n"
        "  - cv: a.yaml\n"
        "  - cv: b.yaml\n    colour: red\n"
        "  - cv: c.yaml\n    full: false\n"
        "  - id: nobody\n",
    )
    with pytest.raises(ManifestError) as caught:
        read_manifest(path)
    shown = caught.value.render()
    assert caught.value.exit_code == 2
    for expected in (
        "people.yaml:3:5: people[0].formats: unknown format 'docx'",
        "people.yaml:6:5: people[2].colour: unknown field",
        "people.yaml:7:5: people[3]: builds nothing",
        "people.yaml:9:5: people[4]: needs `cv:`",
    ):
        assert expected in shown, shown


def test_two_people_with_one_id_are_refused(tmp_path: Path) -> None:
    path = _manifest(tmp_path, "people:\n  - cv: a/cv.yaml\n  - cv: a/cv.yml\n")
    with pytest.raises(ManifestError) as caught:
        read_manifest(path)
    assert "people.yaml:3:5: people[1]: the ID `a-cv` is also that of" in caught.value.render()


def test_a_manifest_that_is_not_one_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_manifest(_manifest(tmp_path, "people:\n  - [a\n"))
    assert "people.yaml:3:1: YAML syntax error" in caught.value.render()
    with pytest.raises(ManifestError) as caught:
        read_manifest(_manifest(tmp_path, "- a.yaml\n"))
    assert "people.yaml:1:1: a manifest is a mapping" in caught.value.render()


def _people(n: int) -> list[Person]:
    return [Person(f"person{i}", Path(f"{i}.yaml"), "", (None,), ("pdf",)) for i in range(n)]


def test_shards_together_are_everyone_once() -> None:
    people = _people(50)
    shards = [in_shard(people, Shard(i, 4)) for i in range(1, 5)]
    assert sorted(p.id for s in shards for p in s) == sorted(p.id for p in people)
    assert all(s for s in shards)  # 50 hashed into 4: none empty


def test_adding_a_person_moves_no_one_else() -> None:
    people = _people(30)
    before = {p.id: p.shard(5) for p in people}
    newcomer = Person("newcomer", Path("n.yaml"), "", (None,), ("pdf",))
    after = {p.id: p.shard(5) for p in [newcomer, *reversed(people)]}
    assert {k: v for k, v in after.items() if k != "newcomer"} == before


@pytest.mark.parametrize("text", ["0/2", "3/2", "1-2", "a/b", "1/0"])
def test_a_shard_is_i_of_n(text: str) -> None:
    with pytest.raises(InputError, match="--shard"):
        parse_shard(text)
    assert parse_shard("2/2") == Shard(2, 2)
