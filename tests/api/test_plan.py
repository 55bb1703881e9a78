"""The one request plan, table-tested: what each kind of request on each model and provider contains."""

from __future__ import annotations

import pytest

from dalle_studio.api import errors as e
from dalle_studio.api.models import spec_for
from dalle_studio.api.plan import EDIT, GENERATION, VARIATION, PlanError, heal, offered_parameters, plan_request
from dalle_studio.api.providers import compatible, engine, openai

OPENAI = openai()
DEFAULTS = {"n": 2, "size": "auto", "quality": "auto", "background": "auto", "output_format": "png",
            "moderation": "auto", "input_fidelity": "low"}  # what an untouched form used to send
LIVE = ["gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2.6-flare", "gpt-image-2.6-sunburst"]


@pytest.mark.parametrize("model", LIVE)
@pytest.mark.parametrize("kind", [EDIT, VARIATION, GENERATION])
def test_defaults_send_nothing_the_user_did_not_set_and_nothing_the_model_refuses(model, kind):
    plan = plan_request(kind, OPENAI, spec_for(model), DEFAULTS)
    assert dict(plan.fields) == {}  # the server's defaults apply; input_fidelity is never sent to these models
    assert plan.n == 2 and plan.endpoint == ("generations" if kind == GENERATION else "edits")
    assert plan.via_edit == (kind == VARIATION)


@pytest.mark.parametrize(
    ("kind", "provider", "model", "params", "endpoint", "fields", "fit", "reason"),
    [
        (EDIT, OPENAI, "gpt-image-1.5", {"input_fidelity": "high", "quality": "low"}, "edits",
         {"input_fidelity": "high", "quality": "low"}, "pad", ""),
        (EDIT, OPENAI, "gpt-image-1-mini", {"input_fidelity": "high"}, "edits", {}, "pad", ""),
        (EDIT, OPENAI, "gpt-image-1-mini", {"input_fidelity": "low"}, "edits", {"input_fidelity": "low"}, "pad", ""),
        (GENERATION, OPENAI, "gpt-image-2.6-flare", {"complexity": "high", "quality": "xhigh"}, "generations",
         {"complexity": "high", "quality": "xhigh"}, None, ""),
        (GENERATION, OPENAI, "gpt-image-2", {"complexity": "high", "quality": "xhigh"}, "generations", {}, None, ""),
        (GENERATION, OPENAI, "gpt-image-2", {"style": "vivid", "moderation": "low"}, "generations",
         {"moderation": "low"}, None, ""),
        (EDIT, OPENAI, "gpt-image-2", {"moderation": "low", "style": "vivid"}, "edits", {}, "pad", ""),
        (GENERATION, OPENAI, "gpt-image-2", {"background": "transparent", "output_format": "jpeg"}, "generations",
         {"background": "transparent"}, None, "JPEG has no transparency"),
        (GENERATION, OPENAI, "gpt-image-2", {"size": "512x512"}, "generations", {}, None, ""),
        (GENERATION, OPENAI, "gpt-image-2", {"size": "1536x864"}, "generations", {"size": "1536x864"}, None, ""),
        (GENERATION, OPENAI, "dall-e-3", {"size": "1536x1024"}, "generations",
         {"size": "1792x1024", "response_format": "b64_json"}, None, "1792x1024 asked for"),
        (VARIATION, OPENAI, "dall-e-2", {"quality": "high"}, "variations", {"response_format": "b64_json"}, "crop",
         "with /images/variations"),
        (VARIATION, engine("http://127.0.0.1:1/v1"), "studio-classical-fill", {}, "variations", {}, "crop",
         "with /images/variations"),
        (VARIATION, OPENAI, "gpt-image-2", {"quality": "high"}, "edits", {"quality": "high"}, "pad",
         "as an edit of the whole picture"),
    ],
)
def test_plan_table(kind, provider, model, params, endpoint, fields, fit, reason):
    spec = spec_for(model)
    if provider.kind == "engine":
        from dalle_studio.engine.catalog import engine_spec

        spec = engine_spec()
    plan = plan_request(kind, provider, spec, params)
    assert (plan.endpoint, dict(plan.fields), plan.fit) == (endpoint, fields, fit)
    assert reason in plan.reason


def test_learned_refusals_are_left_out_and_said():
    plan = plan_request(EDIT, compatible("Local", "http://x/v1"), spec_for("gpt-image-1.5"),
                        {"input_fidelity": "high", "quality": "low"}, learned=("input_fidelity",))
    assert dict(plan.fields) == {"quality": "low"} and "does not take Fidelity" in plan.reason


def test_streaming_with_several_results_is_sent_as_one_image_requests():
    plan = plan_request(EDIT, OPENAI, spec_for("gpt-image-2"), {"n": 3}, stream_partials=True)
    assert plan.stream and plan.per_request == 1 and plan.n == 3 and plan.fields["partial_images"] == 2
    plan = plan_request(EDIT, OPENAI, spec_for("gpt-image-2"), {"n": 3})
    assert not plan.stream and plan.per_request == 3
    assert not plan_request(VARIATION, OPENAI, spec_for("dall-e-2"), {"n": 3}, stream_partials=True).stream


def test_nothing_to_send_with_is_refused_in_words():
    with pytest.raises(PlanError, match="cannot edit"):
        plan_request(EDIT, OPENAI, spec_for("dall-e-3"), {})
    with pytest.raises(PlanError, match="neither vary nor edit"):
        plan_request(VARIATION, OPENAI, spec_for("dall-e-3"), {})


def test_the_form_offers_what_the_plan_sends():
    assert "input_fidelity" not in offered_parameters(spec_for("gpt-image-2"), EDIT)
    assert offered_parameters(spec_for("gpt-image-1-mini"), EDIT)["input_fidelity"] == ("low",)
    assert offered_parameters(spec_for("gpt-image-2.6-sunburst"), GENERATION)["complexity"] == ("low", "medium",
                                                                                               "high")
    assert "complexity" not in offered_parameters(spec_for("gpt-image-2.5-flare"), GENERATION)
    assert "moderation" not in offered_parameters(spec_for("gpt-image-2"), EDIT)
    assert "quality" not in offered_parameters(spec_for("gpt-image-1.5"), EDIT, learned=("quality",))


def _refusal(status=400, code=None, param=None, message="", type_="invalid_request_error"):
    return e.error_from_response(status, {"error": {"message": message, "type": type_, "param": param,
                                                    "code": code}})


@pytest.mark.parametrize(
    ("error", "healed"),
    [
        (_refusal(code="invalid_input_fidelity_model", param="input_fidelity", type_="image_generation_user_error",
                  message="The model 'gpt-image-1.5' does not support the 'input_fidelity' parameter."),
         "input_fidelity"),
        (_refusal(code="unknown_parameter", param="quality"), "quality"),
        (_refusal(message="Unrecognized request argument supplied: quality"), "quality"),  # words, no code
        (_refusal(code="invalid_value", param="n", message="Streaming is only supported with n=1"), "stream"),
        (_refusal(message="Streaming is only supported with n=1"), "stream"),
        (_refusal(code="moderation_blocked", type_="image_generation_user_error",
                  message="Your request was rejected by the safety system."), None),
        (_refusal(type_="image_generation_user_error"), None),  # a bare safety refusal (openai-node#1536)
        (_refusal(code="contentFilter", message="The response was filtered"), None),
        (_refusal(status=401, code="invalid_api_key", param="quality"), None),
        (_refusal(status=429, code="insufficient_quota"), None),
        (_refusal(code="invalid_image_file", param="mask"), None),
        (_refusal(message="Something is wrong with the request."), None),
    ],
)
def test_heal_drops_one_refused_parameter_and_nothing_else(error, healed):
    spec = spec_for("gpt-image-1.5")
    plan = plan_request(EDIT, OPENAI, spec, {"n": 2, "quality": "low", "input_fidelity": "high"},
                        stream_partials=True)
    again = heal(plan, error, spec)
    if healed is None:
        assert again is None
        return
    assert again is not None and again.healed == (healed,)
    assert healed not in again.fields and again.reasons[-1].startswith("gpt-image-1.5")
    assert heal(again, error, spec) is None  # healed once: a second refusal is final


def test_parameter_refusals_are_not_explained_as_safety_refusals():
    err = _refusal(code="invalid_input_fidelity_model", param="input_fidelity", type_="image_generation_user_error",
                   message="The model 'gpt-image-2' does not support the 'input_fidelity' parameter.")
    assert isinstance(err, e.ParameterRefusedError) and not isinstance(err, e.ContentRefusedError)
    from dalle_studio.jobs.explain import explain

    words = explain(err)
    assert "safety" not in words.message.lower() and "rephrase" not in words.hint.lower()
    assert "input_fidelity" in words.message and "does not support" in words.message
    assert isinstance(_refusal(code="contentFilter"), e.ContentRefusedError)
