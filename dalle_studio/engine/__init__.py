"""The embedded engine: a local OpenAI-compatible Images server doing classical content-aware fill and variations.

Run it with ``dalle-studio engine [--host 127.0.0.1] [--port 0] [--token TOKEN]`` or ``python -m dalle_studio.engine``;
the app starts it through :class:`dalle_studio.engine.supervisor.EngineSupervisor`.

Modules, from the wire inwards:

- ``__main__``: the command line (prints ``listening on http://HOST:PORT`` once ready).
- ``supervisor``: start on demand with a random port and token, restart after a crash, stop on exit.
- ``guard``: bearer token and request size limit (ASGI middleware).
- ``server``: the routes; requests are validated by the API layer's rules (``dalle_studio.api``).
- ``forms``, ``responses``, ``errors``: request parsing, response bodies and SSE events, OpenAI error bodies.
- ``catalog``: the engine's own model id (:data:`catalog.ENGINE_MODEL_ID`) and ``GET /v1/models``.
- ``work``: one request's blocking work (decode, fill or vary, encode), run in worker threads.
- ``edits``, ``fill``, ``variations``, ``pictures``: the image processing itself; ``completion`` (multi-scale
  patch-based fill and outpainting) and ``variations`` (bidirectional-similarity re-synthesis) run on the numba
  kernels of ``patches`` (PatchMatch, patch voting, the seam membrane, the Poisson solve that evens tones), which
  the server warms up as it starts.
- ``results``: pictures served by URL for an hour (``response_format=url``).
"""
