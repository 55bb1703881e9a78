"""The command line writes results with their metadata (never the key) and prints where."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from dalle_studio.api.cli import main

KEY = "sk-cli-test-0123456789abcdef"


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("DALLE_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


def test_generate_writes_pngs_with_metadata(server, base_url, tmp_path, env, capsys):
    code = main(["generate", "Un phare — 灯台", "-n", "2", "--model", "gpt-image-1", "--quality", "low",
                 "--base-url", base_url, "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 0
    paths = out.split()
    assert len(paths) == 2 and all(p.endswith(".png") for p in paths)
    with Image.open(paths[0]) as img:
        meta = json.loads(img.text["dalle-studio"])
        assert meta["prompt"] == "Un phare — 灯台" and meta["model"] == "gpt-image-1" and meta["n"] == 2
        assert img.text["parameters"].startswith("Un phare — 灯台\n")
    assert KEY.encode() not in Path(paths[0]).read_bytes()
    assert "estimated cost: $0.022" in err and "cost: $" in err
    assert server.api_requests()[0].headers["authorization"] == f"Bearer {KEY}"


def test_edit_prepares_the_picture_and_mask(server, base_url, tmp_path, env, capsys):
    photo, mask = tmp_path / "photo.jpg", tmp_path / "mask.png"
    Image.new("RGB", (900, 600), "teal").save(photo)
    Image.new("RGBA", (900, 600), (0, 0, 0, 0)).save(mask)
    code = main(["edit", "add a boat", "--image", str(photo), "--mask", str(mask), "--model", "gpt-image-1",
                 "--base-url", base_url, "--out", str(tmp_path)])
    assert code == 0
    rec = server.api_requests()[0]
    assert rec.form()["size"] == "1536x1024"
    image = Image.open(io.BytesIO(rec.files[0][3]))
    assert [f[0] for f in rec.files] == ["image", "mask"] and image.size == (1536, 1024)


def test_rule_broken_before_sending_exits_2(server, base_url, tmp_path, env, capsys):
    code = main(["generate", "x", "--model", "dall-e-3", "-n", "11", "--base-url", base_url, "--out", str(tmp_path)])
    assert code == 2 and "n: 11 is too large" in capsys.readouterr().err and server.requests == []


def test_provider_refusal_exits_1(server, base_url, tmp_path, env, capsys):
    from .server import api_error

    server.then(api_error(400, "moderation_blocked", "Rejected.", type_="image_generation_user_error"))
    assert main(["generate", "x", "--model", "gpt-image-1", "--base-url", base_url, "--out", str(tmp_path)]) == 1
    assert "HTTP 400 moderation_blocked: Rejected." in capsys.readouterr().err


def test_vary_on_a_live_model_is_an_edit_of_the_whole_picture(server, base_url, tmp_path, env, capsys):
    photo = tmp_path / "photo.png"
    Image.new("RGB", (1200, 800), "teal").save(photo)
    code = main(["vary", "--image", str(photo), "-n", "2", "--base-url", base_url, "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0 and len(out.split()) == 2, err
    rec = server.api_requests()[0]
    assert rec.path == "/v1/images/edits" and rec.form()["model"] == "gpt-image-2"  # the default is live
    assert "variation" in rec.form()["prompt"] and [f[0] for f in rec.files] == ["image"]
    assert "input_fidelity" not in rec.form() and "response_format" not in rec.form()
    assert "as an edit of the whole picture" in err


def test_a_result_that_does_not_decode_is_an_error_line_and_its_bytes_are_kept(server, base_url, tmp_path, env,
                                                                                capsys):
    import base64

    from .server import reply

    junk = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    server.then(reply(200, {"created": 1, "data": [{"b64_json": base64.b64encode(junk).decode()}]}))
    out_dir = tmp_path / "out"
    code = main(["generate", "x", "--model", "gpt-image-1", "--base-url", base_url, "--out", str(out_dir)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "Traceback" not in err
    lines = err.splitlines()
    assert any(line.startswith("error: ") and "does not decode" in line for line in lines), err
    (kept,) = out_dir.glob("*-undecodable-1.png")
    assert kept.read_bytes() == junk and f"kept as {kept}" in err
    assert len(server.api_requests()) == 1  # paid for once: not sent again
