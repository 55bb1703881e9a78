"""The wheel: ships resources/ inside the package and installs the ``dalle-studio`` command."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import dalle_studio
from tests.distribution.scripts import ROOT, load_script

SOURCES = ["dalle_studio", "resources", "setup.py", "pyproject.toml", "README.md", "MANIFEST.in"]


def test_build_hook_maps_samples_and_icons_into_the_package_and_leaves_screenshots_out():
    mapping = load_script("setup").resource_files(ROOT)
    assert mapping["dalle_studio/_resources/samples/astronaut.png"] == ROOT / "resources/samples/astronaut.png"
    assert mapping["dalle_studio/_resources/icons/dalle-studio.svg"] == ROOT / "resources/icons/dalle-studio.svg"
    assert "dalle_studio/_resources/icons/hicolor/256x256/apps/dalle-studio.png" in mapping
    assert not [target for target in mapping if "/screenshots/" in target]
    shipped = {path.relative_to(ROOT / "resources") for path in mapping.values()}
    on_disk = {p.relative_to(ROOT / "resources") for p in (ROOT / "resources").rglob("*")
               if p.is_file() and p.relative_to(ROOT / "resources").parts[0] != "screenshots"}
    assert shipped == on_disk


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the checkout (so the build's scratch folders stay out of it)."""
    # The PyPA 'build' package (the dev extra has it), not the build/ scratch folder of a checkout.
    spec = importlib.util.find_spec("build")
    if spec is None or spec.origin is None:
        pytest.skip("the 'build' package is not installed (it comes with the dev extra)")
    tree = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, tree / name)
    out = tmp_path_factory.mktemp("dist")
    # No isolation: the dev extra provides setuptools and wheel, and a fresh build env would need the network.
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(tree)],
                          cwd=out, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (built,) = out.glob("dalle_studio-*.whl")
    return built


def test_wheel_carries_every_resource_the_command_and_the_version(wheel):
    assert wheel.name == f"dalle_studio-{dalle_studio.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        expected = load_script("setup").resource_files(ROOT)
        assert set(expected) <= names
        for target, source in expected.items():
            assert archive.read(target) == source.read_bytes(), target
        entry_points = archive.read(f"dalle_studio-{dalle_studio.__version__}.dist-info/entry_points.txt").decode()
    assert "dalle-studio = dalle_studio.__main__:main" in entry_points.splitlines()
    assert "dalle_studio/engine/__init__.py" in names


def test_installed_wheel_finds_its_sample_pictures_and_icon_without_a_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    probe = ("from dalle_studio.core.resources import resources_dir, samples_dir; "
             "print(resources_dir()); print(sorted(p.name for p in samples_dir().iterdir()))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env={"PYTHONPATH": str(site)},
                          capture_output=True, text=True, timeout=60, check=True)
    where, samples = done.stdout.splitlines()
    assert Path(where) == site / "dalle_studio" / "_resources"
    assert "astronaut.png" in samples
    assert (Path(where) / "icons" / "dalle-studio.svg").is_file()


def test_smoke_scripts_mask_is_a_png_with_a_transparent_square_to_fill():
    from PIL import Image

    smoke = load_script("smoke")
    data = smoke.square_hole_mask(64, 48)
    assert smoke.png_size(data) == (64, 48)
    with Image.open(io.BytesIO(data)) as mask:
        alpha = mask.convert("RGBA").getchannel("A")
        assert alpha.getpixel((32, 24)) == 0  # the middle is to be filled
        assert alpha.getpixel((2, 2)) == 255  # the rest is kept
        assert alpha.getpixel((16, 12)) == 0 and alpha.getpixel((15, 11)) == 255
