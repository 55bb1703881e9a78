"""Cost estimates, key storage (keychain, fallback, never shown), provider profiles and settings."""

from __future__ import annotations

import logging
import os
import pickle
import stat
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as NoKeychain

from dalle_studio.api import settings as api_settings
from dalle_studio.api.errors import AuthenticationError
from dalle_studio.api.keys import ENVIRONMENT, FILE, KEYCHAIN, SESSION, KeychainUnavailable, KeyStore, SecretKey
from dalle_studio.api.pricing import actual_cost, estimate_cost
from dalle_studio.api.providers import Provider, azure, compatible, engine, openai
from dalle_studio.api.requests import GenerateRequest
from dalle_studio.api.results import Usage
from dalle_studio.core.settings import Settings
from tests.keychain import MemoryKeychain

from .conftest import call

KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123"


def test_cost_estimates():
    assert estimate_cost("dall-e-3", n=2, size="1792x1024", quality="hd") == pytest.approx(0.24)
    assert estimate_cost("dall-e-2", size="512x512") == pytest.approx(0.018)
    assert estimate_cost("gpt-image-1", quality="high", size="1024x1024") == pytest.approx(0.1664)
    assert estimate_cost("gpt-image-1.5", quality="low", size="1024x1536") == pytest.approx(0.013056)
    assert estimate_cost("gpt-image-1-mini", quality="medium", size="1536x1024", n=3) == pytest.approx(0.037632)
    assert estimate_cost("gpt-image-1", quality="auto", size="auto") >= estimate_cost("gpt-image-1", quality="high")
    # live models (§0): token prices and the output-token table, partial images counted; xhigh/max unknown
    assert estimate_cost("gpt-image-2", quality="high", size="1024x1024") == pytest.approx(7024 * 30 / 1e6)
    assert estimate_cost("gpt-image-2.6-flare", quality="medium", size="1536x1024", n=2) == pytest.approx(
        2 * 1372 * 30 / 1e6)
    assert estimate_cost("gpt-image-2.5-sunburst", quality="low", size="1024x1024", partial_images=2) == \
        pytest.approx((196 + 200) * 30 / 1e6)
    assert estimate_cost("gpt-image-2.6-sunburst", quality="xhigh") is None
    assert estimate_cost("gpt-image-2.6-sunburst", quality="max") is None
    assert estimate_cost("gpt-image-1", quality="xhigh") is None


def test_actual_cost_from_usage():
    usage = Usage(input_tokens=50, output_tokens=4160, total_tokens=4210, input_text_tokens=10,
                  input_image_tokens=40)
    assert actual_cost("gpt-image-1", usage) == pytest.approx((10 * 5 + 40 * 10 + 4160 * 40) / 1e6)
    assert actual_cost("dall-e-3", None, n=1, size="1024x1024") == pytest.approx(0.04)
    assert actual_cost("somebody-elses-model", usage) is None


def test_secret_key_never_shows_itself():
    key = SecretKey(KEY)
    assert KEY not in repr(key) and KEY not in str(key) and KEY not in f"{key}" and key.reveal() == KEY
    with pytest.raises(TypeError):
        pickle.dumps(key)
    with pytest.raises(ValueError):
        SecretKey("   ")


def test_key_lookup_order_and_places(tmp_path: Path):
    chain = MemoryKeychain()
    store = KeyStore(file=tmp_path / "keys.json", backend=chain, env={"OPENAI_API_KEY": "sk-from-env-123456"})
    provider = openai()
    assert store.get(provider).reveal() == "sk-from-env-123456" and store.source(provider) == ENVIRONMENT
    store.save("OpenAI", KEY)
    assert store.get(provider).reveal() == KEY and store.source(provider) == KEYCHAIN
    store.save("OpenAI", "sk-session-only-123", place=SESSION)
    assert store.source(provider) == SESSION
    store.forget("OpenAI")
    assert store.source(provider) == ENVIRONMENT and chain.store == {}
    assert KEY not in repr(store)


def test_without_a_keychain_the_user_chooses_session_or_private_file(tmp_path: Path):
    store = KeyStore(file=tmp_path / "keys.json", backend=NoKeychain(), env={})
    assert not store.keychain_works()
    with pytest.raises(KeychainUnavailable, match="session only") as info:
        store.save("OpenAI", KEY)
    assert KEY not in str(info.value)
    assert store.get(openai()) is None
    store.save("OpenAI", KEY, place=FILE)
    mode = stat.S_IMODE(os.stat(tmp_path / "keys.json").st_mode)
    assert mode == 0o600
    fresh = KeyStore(file=tmp_path / "keys.json", backend=NoKeychain(), env={})
    assert fresh.get(openai()).reveal() == KEY and fresh.source(openai()) == FILE
    os.chmod(tmp_path / "keys.json", 0o644)  # someone loosened it: refuse to use it
    assert KeyStore(file=tmp_path / "keys.json", backend=NoKeychain(), env={}).get(openai()) is None


def test_key_never_reaches_logs_or_errors(server, make_client, caplog):
    from .server import api_error

    server.then(api_error(401, "invalid_api_key", f"Incorrect API key provided: {KEY}. You can find your key..."))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as info:
        call(make_client(key=KEY), "generate", GenerateRequest(model="gpt-image-1", prompt="x"))
    assert KEY not in str(info.value) and KEY not in repr(info.value) and KEY not in str(info.value.to_body())
    assert KEY not in caplog.text
    client = make_client(key=KEY)
    assert KEY not in repr(client) and KEY not in repr(vars(client))


def test_a_key_of_any_shape_echoed_by_a_server_is_scrubbed(server, make_client, base_url):
    from .server import api_error

    hex_key = "0123456789abcdef0123456789abcdef"
    server.then(api_error(401, None, f"Access denied due to invalid subscription key {hex_key}."))
    client = make_client(azure("Az", endpoint=base_url.removesuffix("/v1"), api_version="v"), key=hex_key)
    with pytest.raises(AuthenticationError) as info:
        call(client, "generate", GenerateRequest(model="gpt-image-1", prompt="x"))
    assert hex_key not in str(info.value) and hex_key not in repr(info.value)
    assert hex_key not in (info.value.server_message or "") and "[redacted]" in str(info.value)


def test_provider_profiles_round_trip_and_urls():
    for p in (openai(organization="org-1"), azure("Az", endpoint="https://r.openai.azure.com/", api_version="2025"),
              compatible("Local", "http://localhost:8000/v1", max_n=1), engine("http://127.0.0.1:5555/v1")):
        assert Provider.from_dict(p.to_dict()) == p
    assert openai().url("images/edits") == "https://api.openai.com/v1/images/edits"
    az = azure("Az", endpoint="https://r.openai.azure.com/", api_version="2025")
    assert az.url("images/edits", "gpt-image-1") == "https://r.openai.azure.com/openai/deployments/gpt-image-1/images/edits"
    assert az.url("models") == "https://r.openai.azure.com/openai/models"
    bare = azure("Az v1", endpoint="https://r.openai.azure.com/openai/v1/")  # the v1 route: no dated api-version
    assert bare.params() == {} and bare.is_azure_v1
    assert bare.url("images/edits", "my-deployment") == "https://r.openai.azure.com/openai/v1/images/edits"
    assert azure("Az v1", endpoint="https://r.openai.azure.com", v1=True).base_url == bare.base_url
    with pytest.raises(ValueError, match="api-version"):
        azure("Az old", endpoint="https://r.openai.azure.com")  # the deployment route still needs one
    v1 = azure("Az v1", endpoint="https://r.openai.azure.com", api_version="preview", v1=True)
    assert v1.url("images/generations", "my-deployment") == "https://r.openai.azure.com/openai/v1/images/generations"
    assert v1.params() == {"api-version": "preview"} and "api-key" in v1.auth_headers("k")
    with pytest.raises(ValueError, match="api-version"):
        Provider("azure", "Az", "https://x")
    with pytest.raises(ValueError, match="http"):
        compatible("Bad", "ftp://x")


def test_settings_declare_providers_and_limits(tmp_path: Path):
    settings = Settings.load(tmp_path / "settings.json", api_settings.SETTINGS)
    assert api_settings.active_provider(settings).kind == "openai"
    settings.set("api.providers", [openai().to_dict(), compatible("Local", "http://127.0.0.1:8000/v1").to_dict(),
                                   {"kind": "nonsense"}])
    settings.set("api.active_provider", "Local")
    again = Settings.load(tmp_path / "settings.json", api_settings.SETTINGS)
    assert api_settings.active_provider(again).base_url == "http://127.0.0.1:8000/v1"
    assert len(api_settings.providers_from(again)) == 2
    assert KEY not in (tmp_path / "settings.json").read_text()
