"""Image answers parsed in short steps: the same values as ``json.loads``, without one long hold of the interpreter."""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dalle_studio.api import answer_json


@pytest.fixture
def small_lift(monkeypatch):
    """Lift strings from 8 characters and decode 8 at a time, so small answers take the same paths as 70 MB ones."""
    monkeypatch.setattr(answer_json, "LIFT_MIN", 8)
    monkeypatch.setattr(answer_json, "SLICE", 8)


def b64(n: int, seed: int = 0) -> str:
    return base64.b64encode(bytes((i * 31 + seed) % 256 for i in range(n))).decode()


def answer(*pictures: str, **extra) -> dict:
    return {"created": 1, "data": [{"b64_json": p, "revised_prompt": "a fox"} for p in pictures], **extra}


@pytest.mark.parametrize("text", [
    json.dumps(answer(b64(300), b64(40, 1), usage={"input_tokens": 3})),
    json.dumps(answer(b64(300)), indent=2),  # whitespace around the colon
    json.dumps(answer(b64(300)), ensure_ascii=False) .replace('"a fox"', '"un renard, é 漢字 \\"b64_json\\": x"'),
    json.dumps(answer(b64(300))).replace("/", "\\/"),  # a server that escapes "/" (PHP does)
    '{"data": [{"b64_json": ""}], "b64_json": "' + b64(60) + '"}',  # a key outside the entries
    '{"note": "\\"b64_json\\": \\"QUJDREVGR0g=\\"", "data": [{"b64_json": "' + b64(60) + '"}]}',
    '[{"b64_json": "' + b64(60) + '"}]',
])
def test_answers_parse_to_what_json_gives(small_lift, text):
    assert answer_json.loads(text) == json.loads(text)
    assert answer_json.loads(text.encode()) == json.loads(text)


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["b64_json", "data", "x"]), inner, max_size=3), max_leaves=12),
       st.integers(0, 2))
def test_any_json_parses_as_json_does(value, indent):
    text = json.dumps({"data": [{"b64_json": b64(40)}], "other": value}, indent=indent or None, ensure_ascii=False)
    saved = answer_json.LIFT_MIN, answer_json.SLICE
    answer_json.LIFT_MIN, answer_json.SLICE = 8, 8
    try:
        assert answer_json.loads(text.encode()) == json.loads(text)
    finally:
        answer_json.LIFT_MIN, answer_json.SLICE = saved


@pytest.mark.parametrize("text", ['{"data": [{"b64_json": "' + b64(60) + '"]', '{"data": [{"b64_json": "' + b64(60)])
def test_broken_answers_raise_what_json_raises(small_lift, text):
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        answer_json.loads(text)


def test_base64_is_decoded_exactly_and_strictly(small_lift):
    data = os.urandom(1000)
    text = base64.b64encode(data).decode()
    assert answer_json.b64decode(text) == data == answer_json.b64decode(text.encode())
    for bad in (text[:-1], text[:100] + "=" + text[101:], text[:50] + "*" + text[51:], text[:40] + "\n" + text[40:]):
        with pytest.raises(binascii.Error):
            answer_json.b64decode(bad)
        with pytest.raises(binascii.Error):
            base64.b64decode(bad, validate=True)  # the same refusals as the strict decoder it replaces


def test_a_large_answer_lets_other_threads_run_while_it_is_parsed():
    """Eight 4K pictures are ~70 MB of JSON: parsed in one call, the UI thread could not run until it returned."""
    picture = base64.b64encode(os.urandom(6_000_000)).decode()  # 8 MB of base64: a 4K PNG
    entry = '{"b64_json": "' + picture + '", "revised_prompt": "a fox"}'
    body = ('{"created": 1, "data": [' + ", ".join([entry] * 8) + "]}").encode()
    turns = 0
    done = threading.Event()

    def other_thread() -> None:  # the UI thread's part: it runs whenever the interpreter lets it
        nonlocal turns
        while not done.is_set():
            turns += 1
            done.wait(0.0005)

    runner = threading.Thread(target=other_thread)
    runner.start()
    try:
        during_parse = 0
        for _ in range(3):  # the best of three: a busy machine (or memory not yet touched) only lowers the count
            start = turns
            parsed = answer_json.loads(body)
            during_parse = max(during_parse, turns - start)
        four = picture * 4  # 32 MB of base64: ~30 ms here, held in one call by the standard library
        start = turns
        decoded = answer_json.b64decode(four)
        during_decode = turns - start
    finally:
        done.set()
        runner.join()
    # Parsed or decoded in one call, the other thread gets a turn only as the call begins and ends (1-2 turns).
    assert parsed["data"][7]["b64_json"] == picture and decoded == base64.b64decode(four)
    assert during_parse >= 5, f"the other thread ran {during_parse} times while the answer was parsed"
    assert during_decode >= 10, f"the other thread ran {during_decode} times while the base64 was decoded"
