"""The library without Qt: filing results, finding them, tagging, trash, lineage, keys kept out."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from dalle_studio.library import Kind, Library, NewResult, NotAnImage, Query, Sort
from tests.library.conftest import make_image


def add(lib: Library, seed: int, prompt: str = "a red fox", **kw) -> int:
    kw.setdefault("kind", Kind.GENERATION)
    kw.setdefault("created", 1_700_000_000 + seed)
    return lib.add_result(NewResult(image=make_image(seed), prompt=prompt, **kw)).id


def test_added_result_comes_back_with_its_metadata_and_file(library: Library):
    data = make_image(1)
    record = library.add_result(NewResult(
        image=data, kind="edit", prompt="a fox in snow", revised_prompt="A red fox standing in fresh snow",
        model="gpt-image-1", provider="OpenAI", size="1024x1024", quality="high", params={"background": "opaque"},
        cost=0.167, usage={"input_tokens": 50, "output_tokens": 4160}, created=1_700_000_123.5))
    again = library.get(record.id)
    assert again == record
    assert record.path.read_bytes() == data
    assert (record.kind, record.model, record.quality, record.cost) == ("edit", "gpt-image-1", "high", 0.167)
    assert record.params == {"background": "opaque"} and record.usage["output_tokens"] == 4160
    assert (record.width, record.height, record.format) == (24, 16, "png")


def test_gallery_lists_newest_first_and_oldest_first_on_request(library: Library):
    ids = [add(library, s) for s in (3, 1, 2)]
    assert library.ids() == [ids[0], ids[2], ids[1]]
    assert library.ids(Query(sort=Sort.OLDEST)) == [ids[1], ids[2], ids[0]]


def test_same_image_filed_twice_is_one_image(library: Library):
    assert add(library, 1) == add(library, 1)
    assert library.count() == 1


def test_search_matches_prompt_revised_prompt_and_parameters_as_you_type(library: Library):
    fox = add(library, 1, "a red fox", revised_prompt="vulpes in the forest")
    cat = add(library, 2, "a sleepy cat", params={"style": "watercolour"})
    assert library.ids(Query(text="fo")) == [fox]
    assert library.ids(Query(text="vulp")) == [fox]
    assert library.ids(Query(text="watercol")) == [cat]
    assert library.ids(Query(text="sleepy ca")) == [cat]
    assert library.ids(Query(text="red cat")) == []
    assert set(library.ids(Query(text="  "))) == {fox, cat}


def test_search_survives_punctuation_that_fts_would_choke_on(library: Library):
    fox = add(library, 1, 'a "quoted" fox (AND) NOT*')
    assert library.ids(Query(text='"quoted" (AND')) == [fox]
    assert library.ids(Query(text="*-:^")) == [fox]


def test_filters_by_kind_model_date_favourite_and_tag(library: Library):
    gen = add(library, 1, model="gpt-image-1", created=100.0)
    edit = add(library, 2, kind=Kind.EDIT, model="gpt-image-1.5", created=200.0)
    var = add(library, 3, kind=Kind.VARIATION, model="dall-e-2", created=300.0)
    assert library.ids(Query(kinds=frozenset({"edit", "variation"}))) == [var, edit]
    assert library.ids(Query(models=frozenset({"gpt-image-1"}))) == [gen]
    assert library.ids(Query(since=150.0, until=300.0)) == [edit]
    library.set_favourite([edit])
    assert library.ids(Query(favourites_only=True)) == [edit]
    library.add_tags([gen, var], ["Portfolio ", "fox"])
    assert library.ids(Query(tags=frozenset({"portfolio"}))) == [var, gen]
    assert library.ids(Query(tags=frozenset({"portfolio", "fox"}))) == [var, gen]
    library.remove_tags([gen], ["fox"])
    assert library.ids(Query(tags=frozenset({"fox"}))) == [var]
    assert library.tags() == ["fox", "portfolio"]
    assert library.models() == ["dall-e-2", "gpt-image-1", "gpt-image-1.5"]
    assert library.ids(Query(text="portfol")) == [var, gen]


def test_trash_hides_restore_brings_back_and_empty_deletes_files(library: Library):
    keep, gone = add(library, 1), add(library, 2)
    gone_path = library.get(gone).path
    library.trash([gone])
    assert library.ids() == [keep]
    assert library.ids(Query(trash=True)) == [gone]
    library.restore([gone])
    assert set(library.ids()) == {keep, gone}
    library.trash([gone])
    assert library.empty_trash() == 1
    assert library.get(gone) is None and not gone_path.exists()
    assert library.ids(Query(trash=True)) == []


def test_lineage_links_parents_mask_sources_and_children(library: Library):
    source = add(library, 1, "a room")
    mask = make_image(50, mode="RGBA")
    outside = make_image(60)
    edit = library.add_result(NewResult(image=make_image(2), kind="edit", prompt="add a cat",
                                        parent_ids=[source], mask=mask, source_images=[outside]))
    child = add(library, 3, "a cat, brighter", kind=Kind.VARIATION, parent_ids=[edit.id])
    lineage = library.lineage(edit.id)
    assert [p.id for p in lineage.parents] == [source]
    assert lineage.mask is not None and lineage.mask.read_bytes() == mask
    assert [p.read_bytes() for p in lineage.source_files] == [outside]
    assert [c.id for c in lineage.children] == [child]
    assert [c.id for c in library.lineage(source).children] == [edit.id]
    # masks and outside sources are kept for lineage but are not gallery images
    assert set(library.ids()) == {source, edit.id, child}


def test_emptying_the_trash_keeps_a_trashed_parent_file_for_its_childrens_lineage(library: Library):
    parent = add(library, 1)
    child = add(library, 2, kind=Kind.EDIT, parent_ids=[parent])
    library.trash([parent])
    library.empty_trash()
    assert [p.read_bytes() for p in library.lineage(child).source_files] == [make_image(1)]


def test_unknown_parent_and_non_images_are_refused(library: Library):
    with pytest.raises(ValueError, match="no library images"):
        add(library, 1, parent_ids=[999])
    with pytest.raises(NotAnImage):
        library.add_result(NewResult(image=b"<html>oops</html>", kind="generation"))
    with pytest.raises(ValueError):
        add(library, 2, kind="upscale")
    assert library.count() == 0


def test_api_key_in_metadata_is_never_stored(library: Library, tmp_path: Path):
    key = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX1234567890"
    record = library.add_result(NewResult(
        image=make_image(1), kind="generation", prompt=f"a fox {key}",
        params={"api_key": key, "headers": {"Authorization": f"Bearer {key}"}, "note": f"used {key}", "n": 1},
        usage={"token": key}))
    assert "api_key" not in record.params and "Authorization" not in record.params["headers"]
    assert record.params["n"] == 1 and "sk-proj" not in record.params["note"]
    assert key not in record.prompt
    library.close()
    for file in (tmp_path / "library").rglob("*"):
        if file.is_file():
            assert b"sk-proj-ABCDEF" not in file.read_bytes(), f"key found in {file.name}"


def test_listeners_hear_of_additions_and_changes(library: Library):
    events = []
    unsubscribe = library.subscribe(events.append)
    first = add(library, 1)
    library.set_favourite([first])
    library.trash([first])
    unsubscribe()
    add(library, 2)
    assert [(e.kind, e.ids) for e in events] == [("added", (first,)), ("changed", (first,)), ("removed", (first,))]


def test_results_can_be_filed_from_many_threads_at_once(library: Library):
    errors: list[BaseException] = []

    def worker(base: int) -> None:
        try:
            for i in range(10):
                add(library, base + i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n * 100,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and library.count() == 40


def test_schema_is_versioned_and_uses_wal(library: Library):
    conn = sqlite3.connect(library.db_path)
    try:
        from dalle_studio.library.schema import LATEST
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_library_from_a_newer_app_is_not_touched(tmp_path: Path):
    folder = tmp_path / "lib"
    Library(folder).close()
    conn = sqlite3.connect(folder / "library.sqlite3")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    from dalle_studio.library.schema import SchemaTooNew
    with pytest.raises(SchemaTooNew):
        Library(folder)


def test_filing_a_trashed_image_again_brings_it_back(library: Library):
    first = add(library, 1)
    library.trash([first])
    assert add(library, 1) == first
    assert library.ids() == [first]


def test_file_check_reports_only_what_changed(library: Library):
    keep, lose = add(library, 1), add(library, 2)
    events = []
    library.subscribe(events.append)
    assert library.check_files() == []
    assert events == []
    data = library.get(lose).path.read_bytes()
    library.get(lose).path.unlink()
    assert library.check_files() == [lose]
    assert [(e.kind, e.ids) for e in events] == [("changed", (lose,))]
    library.files.put(data, "png")
    assert library.check_files() == []
    assert not library.get(lose).missing and library.get(keep) is not None
