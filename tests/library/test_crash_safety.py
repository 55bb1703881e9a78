"""A library survives crashes and damage: a killed writer, an add cut off between its steps, a damaged database,
files that went missing."""

from __future__ import annotations

import hashlib
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dalle_studio.library import Library, NewResult, Query
from dalle_studio.library.files import ImageFiles
from tests.library.conftest import make_image

ROOT = Path(__file__).resolve().parents[2]


def assert_consistent(folder: Path) -> Library:
    """Open the library and check: no half-written file anywhere, every record's file is whole and matches its
    hash."""
    lib = Library(folder)
    assert list((folder / "incoming").iterdir()) == []
    assert [p for p in folder.rglob("*.tmp")] == []
    for record in lib.get_many(lib.ids()).values():
        assert hashlib.sha256(record.path.read_bytes()).hexdigest() == record.sha
        assert not record.missing
    return lib


def test_writer_killed_mid_add_leaves_every_fully_added_image(tmp_path: Path):
    """Four writers in turn on one library, each killed with SIGKILL at a different point of an add (a fraction of
    the measured time one add takes), so the kills land in the image write, the sidecar and the commit."""
    folder = tmp_path / "lib"
    filed: list[str] = []
    for round_, fraction in enumerate((0.0, 0.3, 0.6, 0.9)):
        proc = subprocess.Popen([sys.executable, "-m", "tests.library._writer", str(folder), str(round_ * 1000)],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdout is not None
        durations = []
        for _ in range(4):
            line = proc.stdout.readline()
            assert line, "writer died on its own"
            sha, seconds = line.split()
            filed.append(sha)
            durations.append(float(seconds))
        time.sleep(fraction * statistics.median(durations))  # aim the kill into the next add, not between adds
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    lib = assert_consistent(folder)
    try:
        present = {r.sha for r in lib.get_many(lib.ids()).values()}
        assert set(filed) <= present
        assert lib.warnings == []
    finally:
        lib.close()


def test_a_killed_edit_filing_leaves_no_anonymous_gallery_entries(tmp_path: Path):
    """Issue 13, item 4. An edit files its source picture and mask beside the result; writers killed with SIGKILL
    at points spread over one add must not leave those (or the result) as bare "import" entries: what reached the
    disk is completed into its result, with its prompt and model, or stays out of the gallery as lineage."""
    folder = tmp_path / "lib"
    filed: list[str] = []
    for round_, fraction in enumerate((0.05, 0.2, 0.35, 0.5, 0.65, 0.8)):
        proc = subprocess.Popen([sys.executable, "-m", "tests.library._writer", str(folder), str(1 + round_ * 100),
                                 "edit", "8"], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdout is not None
        durations = []
        for _ in range(2):
            line = proc.stdout.readline()
            assert line, "writer died on its own"
            sha, seconds = line.split()
            filed.append(sha)
            durations.append(float(seconds))
        time.sleep(fraction * statistics.median(durations))  # aim the kill into the next add's steps
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    lib = assert_consistent(folder)
    try:
        records = list(lib.get_many(lib.ids()).values())
        assert set(filed) <= {r.sha for r in records}
        anonymous = [(r.kind, r.width) for r in records if r.kind == "import" or not r.prompt or not r.model]
        assert anonymous == [], "a killed filing left gallery entries with no prompt, model or lineage"
        assert [r.prompt for r in records if r.kind != "edit" or lib.lineage(r.id).mask is None] == []
    finally:
        lib.close()


def test_add_cut_off_before_its_commit_is_recovered_at_next_open(tmp_path: Path, monkeypatch):
    folder = tmp_path / "lib"
    lib = Library(folder)
    lib.add_result(NewResult(image=make_image(1), kind="generation", prompt="kept"))

    def crash(*_a, **_k):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr("dalle_studio.library.recovery.insert_from_meta", crash)
    with pytest.raises(KeyboardInterrupt):
        lib.add_result(NewResult(image=make_image(2), kind="edit", prompt="written but not recorded"))
    monkeypatch.undo()
    lib._conn.close()  # the process "dies": no clean close, the open marker stays
    (folder / "incoming" / "abc.tmp").write_bytes(b"half a png")
    lib = assert_consistent(folder)
    try:
        prompts = sorted(r.prompt for r in lib.get_many(lib.ids()).values())
        assert prompts == ["kept", "written but not recorded"]
    finally:
        lib.close()


def test_damaged_database_is_set_aside_and_rebuilt_from_files_and_user_told(tmp_path: Path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        a = lib.add_result(NewResult(image=make_image(1), kind="generation", prompt="a fox", model="gpt-image-1"))
        b = lib.add_result(NewResult(image=make_image(2), kind="edit", prompt="a fox, snowing", parent_ids=[a.id],
                                     mask=make_image(9, mode="RGBA")))
        lib.set_favourite([b.id])
        lib.add_tags([a.id], ["keeper"])
        lib.trash([a.id])
    db = folder / "library.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with Library(folder) as lib:
        assert len(lib.warnings) == 1 and "rebuilt" in lib.warnings[0]
        assert list(folder.glob("library.sqlite3.damaged-*"))
        rebuilt = {r.prompt: r for r in lib.get_many(lib.ids() + lib.ids(Query(trash=True))).values()}
        assert set(rebuilt) == {"a fox", "a fox, snowing"}  # the mask is lineage, not a gallery image
        assert rebuilt["a fox, snowing"].favourite and rebuilt["a fox"].trashed
        assert rebuilt["a fox"].tags == ("keeper",) and rebuilt["a fox"].model == "gpt-image-1"
        assert [p.prompt for p in lib.lineage(rebuilt["a fox, snowing"].id).parents] == ["a fox"]
        assert lib.lineage(rebuilt["a fox, snowing"].id).mask is not None
        assert lib.ids(Query(text="snow")) == [rebuilt["a fox, snowing"].id]


def test_image_dropped_into_the_folder_without_metadata_is_imported_on_rebuild(tmp_path: Path):
    folder = tmp_path / "lib"
    Library(folder).close()
    data = make_image(5, fmt="JPEG")
    sha = hashlib.sha256(data).hexdigest()
    ImageFiles(folder).put(data, "jpeg", sha)
    (folder / "library.sqlite3").write_bytes(b"\0" * 4096)
    with Library(folder) as lib:
        [record] = lib.get_many(lib.ids()).values()
        assert (record.kind, record.sha, record.format) == ("import", sha, "jpeg")


def test_missing_file_is_reported_and_marked_never_a_crash(tmp_path: Path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        gone = lib.add_result(NewResult(image=make_image(1), kind="generation", prompt="gone"))
        lib.add_result(NewResult(image=make_image(2), kind="generation", prompt="here"))
    gone.path.unlink()
    with Library(folder) as lib:
        assert lib.check_files() == [gone.id]
        assert lib.get(gone.id).missing and "missing" in lib.warnings[-1]
        with pytest.raises(OSError):
            lib.read_bytes(gone.id)


def test_damaged_file_is_found_by_a_verifying_check(tmp_path: Path):
    with Library(tmp_path / "lib") as lib:
        bad = lib.add_result(NewResult(image=make_image(1), kind="generation"))
        bad.path.write_bytes(bad.path.read_bytes()[:20])
        assert lib.check_files() == []
        assert lib.check_files(verify=True) == [bad.id]
