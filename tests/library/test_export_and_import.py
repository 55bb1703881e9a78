"""Export carries the story of an image (and never a key); import brings pictures in; PNGs recall their prompt."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from dalle_studio.library import Library, NewResult, Query, read_parameters
from dalle_studio.library.export import export_image, export_many, render_name
from dalle_studio.library.pngtext import read_text, with_text
from dalle_studio.library.recall import parse_a1111
from dalle_studio.library.thumbnails import ThumbnailStore
from tests.library.conftest import make_image

KEY = "sk-live-0123456789abcdefghijklmnop"


@pytest.fixture
def fox(library: Library):
    return library.add_result(NewResult(
        image=make_image(1, mode="RGBA"), kind="edit", prompt="a red fox, in snow: dusk", revised_prompt="A fox.",
        model="gpt-image-1", provider="OpenAI", size="1024x1024", quality="high",
        params={"background": "transparent", "seed": 7, "api_key": KEY}, created=1_700_000_000))


def test_exported_png_has_same_pixels_and_recalls_prompt_and_parameters(fox, tmp_path: Path):
    out = export_image(fox, tmp_path / "fox.png")
    data = out.read_bytes()
    with Image.open(io.BytesIO(data)) as im, Image.open(fox.path) as original:
        assert im.tobytes() == original.tobytes()
    recalled = read_parameters(data)
    assert recalled is not None and recalled.source == "dalle-studio"
    assert (recalled.prompt, recalled.model, recalled.size, recalled.quality) == (
        "a red fox, in snow: dusk", "gpt-image-1", "1024x1024", "high")
    assert recalled.params == {"background": "transparent", "seed": 7}
    assert KEY.encode() not in data and b"sk-live" not in data


def test_exported_png_parameters_chunk_reads_like_other_tools_write_it(fox, tmp_path: Path):
    data = export_image(fox, tmp_path / "fox.png").read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        text = im.text["parameters"]  # Pillow sees the chunk other tools look for
    first, settings = text.split("\n")
    assert first == "a red fox, in snow: dusk"
    assert "Model: gpt-image-1" in settings and "Size: 1024x1024" in settings and "Seed: 7" in settings
    json.loads(read_text(data)["dalle-studio"])
    # Without our own chunk, the parameters chunk alone still recalls the prompt.
    only_parameters = with_text(make_image(3), {"parameters": text})
    recalled = read_parameters(only_parameters)
    assert recalled is not None and recalled.source == "parameters"
    assert (recalled.prompt, recalled.model, recalled.size) == ("a red fox, in snow: dusk", "gpt-image-1", "1024x1024")


def test_a1111_text_from_another_tool_is_understood():
    recalled = parse_a1111("a castle\non a hill\nNegative prompt: blurry\n"
                           'Steps: 20, Sampler: Euler a, Size: 512x768, Model: sdxl, Lora hashes: "a: 1, b: 2"')
    assert recalled.prompt == "a castle\non a hill" and recalled.negative_prompt == "blurry"
    assert recalled.size == "512x768" and recalled.model == "sdxl"
    assert recalled.params == {"Steps": "20", "Sampler": "Euler a", "Lora hashes": "a: 1, b: 2"}


def test_png_without_chunks_recalls_nothing_and_non_png_is_not_an_error():
    assert read_parameters(make_image(1)) is None
    assert read_parameters(make_image(1, fmt="JPEG")) is None
    assert read_parameters(b"garbage") is None


def test_unicode_prompt_round_trips(library: Library, tmp_path: Path):
    record = library.add_result(NewResult(image=make_image(2), kind="generation", prompt="un renard — 狐狸 🦊"))
    recalled = read_parameters(export_image(record, tmp_path / "x.png").read_bytes())
    assert recalled is not None and recalled.prompt == "un renard — 狐狸 🦊"


@pytest.mark.parametrize(("suffix", "pil_format"), [(".jpg", "JPEG"), (".webp", "WEBP")])
def test_jpeg_and_webp_export_with_quality(fox, tmp_path: Path, suffix: str, pil_format: str):
    small = export_image(fox, tmp_path / f"low{suffix}", quality=10).read_bytes()
    large = export_image(fox, tmp_path / f"high{suffix}", quality=95).read_bytes()
    with Image.open(io.BytesIO(small)) as im:
        assert im.format == pil_format and im.size == (fox.width, fox.height)
    assert KEY.encode() not in large and KEY.encode("utf-16-be") not in large
    assert len(small) <= len(large)


@pytest.mark.parametrize("suffix", [".jpg", ".webp"])
def test_jpeg_and_webp_exports_carry_the_prompt_that_opening_them_recalls(fox, tmp_path: Path, suffix: str):
    from dalle_studio.document.image_io import load_image_file
    from dalle_studio.library import parameters_from_texts

    loaded = load_image_file(export_image(fox, tmp_path / f"fox{suffix}"))
    recalled = parameters_from_texts(loaded.text)
    assert recalled is not None and recalled.prompt == "a red fox, in snow: dusk"
    assert recalled.model == "gpt-image-1" and KEY not in loaded.text["parameters"]


def test_many_to_a_folder_and_to_a_zip_named_from_a_template(library: Library, tmp_path: Path):
    records = [library.add_result(NewResult(image=make_image(i), kind="generation", prompt="A fox!",
                                            created=1_700_000_000)) for i in range(3)]
    names = export_many(records, tmp_path / "out", template="{index:02d}_{prompt}", fmt="png")
    assert names == ["01_a-fox.png", "02_a-fox.png", "03_a-fox.png"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == names
    again = export_many(records[:1], tmp_path / "out", template="{prompt}")
    assert again == ["a-fox.png"]
    assert export_many(records[:1], tmp_path / "out", template="{prompt}") == ["a-fox-2.png"]
    zipped = export_many(records, tmp_path / "all.zip", template="{prompt}", fmt="jpeg", quality=80, as_zip=True)
    assert zipped == ["a-fox.jpg", "a-fox-2.jpg", "a-fox-3.jpg"]
    with zipfile.ZipFile(tmp_path / "all.zip") as archive:
        assert archive.namelist() == zipped
        with Image.open(io.BytesIO(archive.read("a-fox.jpg"))) as im:
            assert im.format == "JPEG"


def test_name_template_errors_say_which_fields_exist(fox):
    with pytest.raises(ValueError, match="fields are"):
        render_name("{colour}", fox, 1)
    assert "/" not in render_name("{model}/../{prompt}", fox, 1)


def test_import_folder_keeps_prompts_from_chunks_and_skips_what_is_not_an_image(library: Library, tmp_path: Path):
    folder = tmp_path / "pictures"
    (folder / "sub").mkdir(parents=True)
    (folder / "plain.jpg").write_bytes(make_image(1, fmt="JPEG"))
    (folder / "sub" / "castle.png").write_bytes(with_text(make_image(2), {"parameters": "a castle\nSteps: 20"}))
    (folder / "notes.png").write_bytes(b"not really a png")
    report = library.import_files([folder])
    assert len(report.added) == 2 and [p.name for p, _ in report.skipped] == ["notes.png"]
    castle = library.get(library.ids(Query(text="castle"))[0])
    assert castle.kind == "import" and castle.prompt == "a castle" and castle.params["file"] == "castle.png"
    again = library.import_files([folder / "plain.jpg"])
    assert again.added == () and len(again.already_present) == 1


def test_thumbnails_are_small_cached_and_made_once(fox, tmp_path: Path):
    store = ThumbnailStore(tmp_path / "cache", size=8)
    path = store.ensure(fox.sha, fox.path)
    with Image.open(path) as im:
        assert max(im.size) == 8
    stamp = path.stat().st_mtime_ns
    assert store.ensure(fox.sha, fox.path).stat().st_mtime_ns == stamp
