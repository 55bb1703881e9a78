"""Model facts as data: the bundled file, today's facts, and the user's override file (broken ones named)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dalle_studio.api import model_data
from dalle_studio.api.models import KNOWN_MODELS, spec_for

TODAY = date(2026, 12, 1)


def test_every_bundled_fact_names_its_source_and_date():
    data = json.loads((model_data.resources_dir() / "models.json").read_text())
    for entry in data["facts"]:
        assert entry["source"] and date.fromisoformat(entry["date"])


def test_todays_facts():
    live = [m for m in ("gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2.6-flare",
                        "gpt-image-2.6-sunburst") if not spec_for(m).is_shut_down(TODAY)]
    assert len(live) == 5
    for gone in ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-1.5-2025-12-16",
                 "chatgpt-image-latest", "dall-e-2", "dall-e-3"):
        assert spec_for(gone).is_shut_down(TODAY) and spec_for(gone).replacement
    rule = spec_for("gpt-image-2-2026-04-21").size_rule
    assert rule is not None and rule.problem(768, 768) and rule.problem(512, 512)
    assert rule.problem(1024, 640) is None and rule.problem(3840, 2160) is None and rule.problem(3856, 2160)
    assert spec_for("gpt-image-2.6-flare").complexities == ("low", "medium", "high")
    assert {"xhigh", "max"} <= set(spec_for("gpt-image-2.5-sunburst-2026-09-08").qualities)
    assert spec_for("gpt-image-2.6-sunburst").price.image_out_per_m == 30.0


def test_an_override_adds_and_corrects_models_and_a_broken_one_is_named_with_its_line(tmp_path):
    path = tmp_path / model_data.OVERRIDE_FILE_NAME
    path.write_text(json.dumps({"facts": [
        {"model": "gpt-image-3", "like": "gpt-image-2.6-flare", "source": "my notes", "date": "2027-01-10",
         "set": {"released": "2027-01-10"}},
        {"model": "gpt-image-2", "source": "my notes", "date": "2027-01-10", "set": {"complexities": ["low"]}},
    ]}, indent=1))
    try:
        assert model_data.apply_overrides(path) == []
        assert KNOWN_MODELS["gpt-image-3"].known and KNOWN_MODELS["gpt-image-3"].complexities
        assert spec_for("gpt-image-2").complexities == ("low",)
        assert spec_for("gpt-image-2-2026-04-21").complexities == ("low",)  # its snapshot too
        path.write_text('{"facts": [\n  {"model": "x", "source": "s", "date": "2027-01-01", "set": {}},\n  oops\n]}')
        problems = model_data.apply_overrides(path)
        assert len(problems) == 1 and "line 3" in problems[0] and str(path) in problems[0]
        assert "gpt-image-3" not in KNOWN_MODELS and spec_for("gpt-image-2").complexities == ()  # built-in facts
        path.write_text('{"facts": [\n {"model": "gpt-image-2", "source": "s", "date": "2027-01-01",\n'
                        '  "set": {"colour": "blue"}},\n {"model": "y", "source": "s", "date": "2027-01-01"}\n]}')
        problems = model_data.apply_overrides(path)
        assert problems == [f"{path} line 2: unknown fact 'colour'; this entry was ignored"]
        assert KNOWN_MODELS["y"].known
    finally:
        path.unlink()
        model_data.apply_overrides(path)
        KNOWN_MODELS.clear()
        KNOWN_MODELS.update(model_data.load_builtin())


def test_an_entry_without_source_is_refused():
    _, problems = model_data.read_facts('{"facts": [{"model": "z", "set": {}}]}', name="f.json")
    assert problems and "source" in problems[0] and "line 1" in problems[0]


@pytest.mark.parametrize("text", ["", "[]", "{\"facts\": 3}"])
def test_unusable_files_are_ignored(text):
    table, problems = model_data.read_facts(text, name="f.json", base={})
    assert table == {} and problems and problems[0].startswith("f.json line")
