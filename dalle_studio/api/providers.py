"""Provider profiles: where requests go and how they authenticate. Providers differ only in data, never in code.

Public API:

- :class:`Provider` — one profile (kind, name, base URL, organisation, project, Azure endpoint/deployment/version,
  capability overrides); ``url(endpoint, model)``, ``params()``, ``auth_headers(key)``, ``to_dict()``/``from_dict()``.
- :func:`openai`, :func:`azure`, :func:`compatible`, :func:`engine` — the four kinds, built with their rules.
- :data:`OPENAI`, :data:`AZURE`, :data:`COMPATIBLE`, :data:`ENGINE` — the kind names.
- :data:`OPENAI_BASE_URL`.

Azure follows the SDK's ``AzureOpenAI`` (``openai-images-api.md`` §8.1): ``api-key`` header, ``?api-version=`` on
every request, and ``/deployments/{model}`` inserted for generations and edits when the base URL has none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

OPENAI = "openai"
AZURE = "azure"
COMPATIBLE = "compatible"
ENGINE = "engine"
KINDS = (OPENAI, AZURE, COMPATIBLE, ENGINE)
OPENAI_BASE_URL = "https://api.openai.com/v1"
_AZURE_DEPLOYMENT_ENDPOINTS = frozenset({"images/generations", "images/edits"})


@dataclass(frozen=True)
class Provider:
    """A place that speaks the Images API. Holds no secret: the key is looked up by ``name`` in the key store."""

    kind: str
    name: str
    base_url: str
    organization: str | None = None
    project: str | None = None
    azure_api_version: str | None = None
    azure_deployment: str | None = None
    max_n: int | None = None  # this provider makes at most this many images per request (then we fan out)
    has_variations: bool | None = None  # None: as the model table says
    env_key: str | None = None  # environment variable holding the key when the keychain has none

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"provider kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"provider {self.name!r}: base URL {self.base_url!r} must start with http:// or https://")
        if self.kind == AZURE and not self.azure_api_version and not self.is_azure_v1:
            raise ValueError(f"provider {self.name!r}: Azure OpenAI's deployment route needs an api-version (the "
                             "v1 route, {endpoint}/openai/v1, does not)")

    @property
    def is_azure_v1(self) -> bool:
        """Azure's v1 route (``.../openai/v1``): the deployment is the ``model``, no dated api-version needed."""
        return self.kind == AZURE and self.base_url.rstrip("/").endswith("/openai/v1")

    def url(self, endpoint: str, model: str | None = None) -> str:
        """The full URL (without query) of ``endpoint`` (e.g. ``"images/edits"`` or ``"models"``)."""
        base = self.base_url.rstrip("/")
        if (self.kind == AZURE and endpoint in _AZURE_DEPLOYMENT_ENDPOINTS and model and "/deployments" not in base
                and not base.endswith("/openai/v1")):  # the newer v1 route takes the deployment as ``model``
            base = f"{base}/deployments/{model}"
        return f"{base}/{endpoint.lstrip('/')}"

    def params(self) -> dict[str, str]:
        """Query parameters sent with every request (Azure: ``api-version``)."""
        return {"api-version": self.azure_api_version} if self.kind == AZURE and self.azure_api_version else {}

    def auth_headers(self, key: str | None) -> dict[str, str]:
        """Authentication and account headers: Bearer (or Azure ``api-key``), OpenAI-Organization, OpenAI-Project."""
        headers: dict[str, str] = {}
        if key:
            if self.kind == AZURE:
                headers["api-key"] = key
            else:
                headers["Authorization"] = f"Bearer {key}"
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        return headers

    def to_dict(self) -> dict[str, Any]:
        """For settings (JSON); no secret is in it."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provider:
        """From settings; unknown keys (from other versions) are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def openai(name: str = "OpenAI", *, organization: str | None = None, project: str | None = None,
           base_url: str = OPENAI_BASE_URL) -> Provider:
    """api.openai.com (key from the keychain, else ``OPENAI_API_KEY``)."""
    return Provider(OPENAI, name, base_url, organization=organization, project=project, env_key="OPENAI_API_KEY")


def azure(name: str, *, endpoint: str, api_version: str | None = None, deployment: str | None = None,
          v1: bool = False) -> Provider:
    """Azure OpenAI: ``{endpoint}/openai[/deployments/{deployment}]`` with a dated ``api_version``; the model name
    is the deployment otherwise. With ``v1`` (or an endpoint already ending in ``/openai/v1``), the newer
    ``{endpoint}/openai/v1`` route, where ``model`` is the deployment and no api-version is sent unless given."""
    endpoint = endpoint.rstrip("/")
    v1 = v1 or endpoint.endswith("/openai/v1")
    base = endpoint if endpoint.endswith("/openai/v1") else endpoint + ("/openai/v1" if v1 else "/openai")
    if deployment and not v1:
        base += f"/deployments/{deployment}"
    return Provider(AZURE, name, base, azure_api_version=api_version or None, azure_deployment=deployment,
                    env_key="AZURE_OPENAI_API_KEY")


def compatible(name: str, base_url: str, *, max_n: int | None = None, env_key: str | None = None) -> Provider:
    """Any OpenAI-compatible server at ``base_url`` (for example ``http://localhost:8000/v1``)."""
    return Provider(COMPATIBLE, name, base_url, max_n=max_n, env_key=env_key)


def engine(base_url: str, name: str = "Embedded engine") -> Provider:
    """The embedded engine, at the address the app started it on (its bearer token is known only to the app)."""
    return Provider(ENGINE, name, base_url, has_variations=True)
