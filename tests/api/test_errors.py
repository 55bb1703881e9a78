"""Responses become the right exception with a message a person understands."""

from __future__ import annotations

import pytest

from dalle_studio.api import errors as e
from dalle_studio.jobs.explain import explain


def test_azure_content_filter_is_a_refusal():
    body = {"error": {"message": "The response was filtered", "type": None, "param": "prompt",
                      "code": "content_policy_violation", "inner_error": {"code": "ResponsibleAIPolicyViolation"}}}
    err = e.error_from_response(400, body, {"x-request-id": "req_1"})
    assert isinstance(err, e.ContentRefusedError) and err.request_id == "req_1" and err.param == "prompt"


def test_moderation_block_without_message_or_code_is_still_a_refusal():
    err = e.error_from_response(400, b'{"error": {"message": null, "type": "image_generation_user_error", '
                                     b'"param": null, "code": null}}')
    assert isinstance(err, e.ContentRefusedError) and "safety system" in explain(err).message


def test_model_gone_suggests_the_replacement():
    err = e.error_from_response(404, {"error": {"message": "The model `dall-e-3` has been deprecated",
                                                "type": "invalid_request_error", "param": None,
                                                "code": "model_not_found"}}, model="dall-e-3")
    told = explain(err).message
    assert isinstance(err, e.ModelNotFoundError) and "'dall-e-3'" in told and "gpt-image-2.5-sunburst" in told
    assert str(err) == "HTTP 404 model_not_found: The model `dall-e-3` has been deprecated"  # facts only


@pytest.mark.parametrize(("headers", "message", "wait"), [
    ({"retry-after-ms": "1500"}, "", 1.5),
    ({"retry-after": "7"}, "", 7.0),
    ({}, "Rate limit reached for gpt-image-1. Please try again in 1m30s.", 90.0),
    ({}, "Please try again in 850ms.", 0.85),
    ({}, "slow down", None),
])
def test_rate_limit_says_how_long_to_wait(headers, message, wait):
    err = e.error_from_response(429, {"error": {"message": message, "type": "requests", "param": None,
                                                "code": "rate_limit_exceeded"}}, headers)
    assert isinstance(err, e.RateLimitError) and not isinstance(err, e.QuotaExhaustedError)
    assert err.retry_after == (pytest.approx(wait) if wait is not None else None)


def test_stream_error_event():
    err = e.error_from_stream_event({"type": "error", "error": {"message": "boom", "type": "server_error",
                                                                "code": "server_error", "param": None}})
    assert isinstance(err, e.StreamError) and "boom" in str(err) and err.code == "server_error"


def test_validation_error_body_is_what_the_engine_answers():
    err = e.RequestValidationError("size: '1x1' is not allowed", param="size", code="invalid_size")
    assert err.status == 400
    assert err.to_body() == {"error": {"message": "size: '1x1' is not allowed", "type": "invalid_request_error",
                                       "param": "size", "code": "invalid_size"}}
