"""The Images API layer: pure Python + httpx, no Qt, no other layer but ``dalle_studio.core``.

Modules (each states its public API in its docstring):

- ``models``      the table of known models and their limits; unknown models get the GPT Image rules.
- ``requests``    GenerateRequest / EditRequest / VariationRequest, validated before sending; ImageFile.
- ``validation``  the rules themselves (also used by the embedded engine to answer 400s).
- ``errors``      the SDK-like exception tree and the response → exception mapping.
- ``retry``       should_retry / retry_delay: the SDK's retry policy.
- ``prepare``     pictures and masks made into what a model accepts (sync; run in a thread).
- ``client``      ImagesClient: the async client (httpx), streaming, fan-out, downloads.
- ``transport``, ``streaming``, ``download``  the client's parts: retries, SSE, url results.
- ``results``     ImagesResult, ResultImage, PartialImage, Usage.
- ``providers``   Provider profiles: OpenAI, Azure OpenAI, compatible URL, embedded engine.
- ``keys``        SecretKey and KeyStore (keychain, session, private file, environment).
- ``catalog``     the model list: GET /models merged with the table.
- ``pricing``     cost estimate before, actual cost after.
- ``settings``    the layer's setting declarations (SETTINGS) for app.py to merge.
- ``cli``         ``dalle-studio generate|edit|vary``.
"""
