"""The retry policy, table-driven over every header form (openai-images-api.md §7.2)."""

from __future__ import annotations

from email.utils import formatdate

import pytest

from dalle_studio.api.retry import retry_delay, server_hint_seconds, should_retry

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("status", "headers", "code", "expected"),
    [
        (None, {}, None, True),  # connection error / timeout
        (408, {}, None, True),
        (409, {}, None, True),
        (429, {}, None, True),
        (500, {}, None, True),
        (502, {}, None, True),
        (503, {}, None, True),
        (400, {}, None, False),
        (401, {}, None, False),
        (403, {}, None, False),
        (404, {}, None, False),
        (413, {}, None, False),
        (422, {}, None, False),
        (400, {"x-should-retry": "true"}, None, True),
        (503, {"x-should-retry": "false"}, None, False),
        (503, {"X-Should-Retry": "FALSE"}, None, False),
        (429, {"retry-after": "121"}, None, False),
        (429, {"retry-after": "120"}, None, True),
        (429, {"retry-after-ms": "120001"}, None, False),
        (400, {"x-should-retry": "true", "retry-after": "300"}, None, False),  # 120 s rule beats the flag
        (429, {"retry-after": formatdate(NOW + 600, usegmt=True)}, None, False),
        (429, {}, "insufficient_quota", False),
        (None, {"x-should-retry": "false"}, None, False),
    ],
)
def test_should_retry(status, headers, code, expected):
    assert should_retry(status, headers, code=code, now=NOW) is expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # ms is checked first
        ({"retry-after": "3"}, 3.0),
        ({"Retry-After": "2.5"}, 2.5),
        ({"retry-after": formatdate(NOW + 7, usegmt=True)}, 7.0),
        ({"retry-after-ms": "junk", "retry-after": "4"}, 4.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_server_hint_forms(headers, expected):
    got = server_hint_seconds(headers, now=NOW)
    assert got == pytest.approx(expected, abs=0.01) if expected is not None else got is None


@pytest.mark.parametrize(
    ("retries_taken", "headers", "rand", "expected"),
    [
        (0, {}, 0.0, 0.5),
        (0, {}, 1.0, 0.375),
        (1, {}, 0.0, 1.0),
        (2, {}, 0.0, 2.0),
        (4, {}, 0.0, 8.0),
        (9, {}, 0.0, 8.0),  # capped
        (9, {}, 1.0, 6.0),
        (0, {"retry-after": "3"}, 0.5, 3.0),  # hints are waited exactly
        (0, {"retry-after-ms": "20"}, 0.5, 0.02),
        (0, {"retry-after": formatdate(NOW + 5, usegmt=True)}, 0.5, 5.0),
        (0, {"retry-after": "0"}, 0.0, 0.5),  # zero or negative: back off instead
        (0, {"retry-after": "-3"}, 0.0, 0.5),
        (1, {"retry-after": "500"}, 0.0, 1.0),  # too long for a hint: backoff
        (0, {"retry-after": "garbage"}, 0.0, 0.5),
    ],
)
def test_retry_delay(retries_taken, headers, rand, expected):
    assert retry_delay(retries_taken, headers, rand=lambda: rand, now=NOW) == pytest.approx(expected, abs=0.01)
