"""One consistent set of metadata per image, search over everything an artist remembers about a picture, and
imports dated as the artist brought them in."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from dalle_studio.library import Library, NewResult, Query
from dalle_studio.library.export import export_image
from dalle_studio.library.pngtext import read_text
from dalle_studio.library.recall import parse_a1111, read_parameters
from dalle_studio.library.schema import MIGRATIONS
from tests.library.conftest import make_image


def _settings_line(parameters: str) -> list[str]:
    return [pair.split(":", 1)[0].strip() for pair in parameters.rsplit("\n", 1)[1].split(", ")]


def test_exported_metadata_says_each_setting_once_and_round_trips(library: Library, tmp_path: Path):
    # Asked: auto size and quality; the provider answered medium quality, a 24x16 picture and a revised prompt.
    record = library.add_result(NewResult(
        image=make_image(1), kind="generation", prompt="a rocket", revised_prompt="a red rocket at dawn",
        model="gpt-image-2", provider="OpenAI", size="auto", quality="medium",
        params={"size": "auto", "quality": "auto", "n": 2, "api_key": "sk-secretsecretsecret1234"}))
    path = export_image(record, tmp_path / "rocket.png")
    texts = read_text(path.read_bytes())
    keys = _settings_line(texts["parameters"])
    assert len(keys) == len(set(keys)), texts["parameters"]
    other_tool = parse_a1111(texts["parameters"])
    assert (other_tool.size, other_tool.quality) == ("auto", "auto")
    assert other_tool.params["Answered quality"] == "medium"
    assert other_tool.params["Answered size"] == "24x16"
    assert other_tool.params["Answered revised prompt"] == "a red rocket at dawn"
    ours = json.loads(texts["dalle-studio"])
    assert "quality" not in ours["params"] and "size" not in ours["params"]
    assert ours["answered"] == {"size": "24x16", "quality": "medium", "revised_prompt": "a red rocket at dawn"}
    recalled = read_parameters(path.read_bytes())
    assert (recalled.prompt, recalled.size, recalled.quality, recalled.params) == ("a rocket", "auto", "auto",
                                                                                   {"n": 2})
    assert "sk-secret" not in texts["parameters"] + texts["dalle-studio"]


def test_search_finds_source_file_name_kind_and_title(library: Library, tmp_path: Path):
    picture = tmp_path / "rocket.jpg"
    picture.write_bytes(make_image(2, "JPEG"))
    imported = library.import_files([picture]).added[0]
    variation = library.add_result(NewResult(image=make_image(3), kind="variation", title="Variation of coffee.png",
                                             source="coffee.png"))
    edit = library.add_result(NewResult(image=make_image(4), kind="edit", prompt="a hat", source="chelsea.png"))
    assert library.ids(Query(text="rocket")) == [imported]
    assert library.ids(Query(text="coffee")) == [variation.id]
    assert library.ids(Query(text="chelsea")) == [edit.id]
    assert library.ids(Query(text="variation")) == [variation.id]
    assert library.get(variation.id).label == "Variation of coffee.png"
    assert library.get(imported).label == "rocket.jpg"


def test_imports_sort_by_when_they_came_in_and_keep_the_file_date(library: Library, tmp_path: Path):
    library.add_result(NewResult(image=make_image(5), kind="generation", prompt="made today"))
    old = tmp_path / "holiday.png"
    old.write_bytes(make_image(6))
    ten_years_ago = time.time() - 10 * 365 * 86400
    os.utime(old, (ten_years_ago, ten_years_ago))
    imported = library.import_files([old]).added[0]
    assert library.ids(Query())[0] == imported  # newest first: it just came in
    record = library.get(imported)
    assert abs(record.params["file_modified"] - ten_years_ago) < 1
    assert record.created > ten_years_ago + 86400


def test_a_version_2_library_gains_searchable_file_names(tmp_path: Path):
    folder = tmp_path / "old"
    folder.mkdir()
    conn = sqlite3.connect(folder / "library.sqlite3", isolation_level=None)
    conn.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "PRAGMA user_version = 2;")
    conn.execute("INSERT INTO images (sha, ext, kind, params, created, width, height) VALUES "
                 "('ab', 'png', 'import', '{\"file\": \"rocket.png\"}', 1.0, 4, 4)")
    conn.close()
    with Library(folder) as library:
        (image_id,) = library.ids(Query())
        assert library.get(image_id).source == "rocket.png"
        assert library.ids(Query(text="rocket")) == [image_id]
        assert library.ids(Query(text="import")) == [image_id]
