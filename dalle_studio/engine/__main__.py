"""``dalle-studio engine`` / ``python -m dalle_studio.engine``: run the embedded Images server.

Prints exactly one line, ``listening on http://HOST:PORT``, once it accepts requests (the supervisor waits for it).
It listens on loopback unless ``--host`` names another address, which also needs a token.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import socket
import sys
import threading

import uvicorn

from dalle_studio.core.images import set_pixel_limit
from dalle_studio.engine.pictures import MAX_PIXELS
from dalle_studio.engine.server import DEFAULT_WORKERS, EngineConfig, create_app
from dalle_studio.engine.supervisor import TOKEN_ENV


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dalle-studio engine", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)")
    parser.add_argument("--token", default=None,
                        help=f"require 'Authorization: Bearer TOKEN' on every request (or set ${TOKEN_ENV})")
    parser.add_argument("--max-request-mb", type=int, default=128, help="largest request body, in MB (default 128)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help=f"requests worked on at once (default: half the processor cores, here {DEFAULT_WORKERS})")
    parser.add_argument("--max-queue", type=int, default=16,
                        help="requests that may wait for a worker, first come first served; more get a 429 with "
                             "Retry-After (default 16)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="also answer requests addressed to NAME (the Host header); loopback names are always "
                             "answered; '*' answers any (only behind a proxy that checks it)")
    parser.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--exit-with-stdin", action="store_true",
                        help="stop when standard input closes (the app that started the engine has gone, even if it "
                             "was killed)")
    return parser


class _Server(uvicorn.Server):
    """uvicorn's server, announcing the address once it accepts requests."""

    def __init__(self, config: uvicorn.Config, announce: str) -> None:
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(self.announce, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the engine until interrupted; 0 on a clean stop, 2 on bad arguments."""
    parser = build_parser()
    args = parser.parse_args(argv)
    token = args.token or os.environ.get(TOKEN_ENV) or None
    if not is_loopback(args.host) and not token:
        parser.error(f"--host {args.host} is not a loopback address: set --token so strangers cannot use the engine")
    if not 0 <= args.port <= 65535 or args.max_request_mb < 1 or args.workers < 1 or args.max_queue < 0:
        parser.error("--port must be 0-65535; --max-request-mb and --workers at least 1; --max-queue at least 0")
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    # proto=IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted sockets only then; without it every
    # keep-alive response waits ~40 ms for the client's delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    set_pixel_limit(MAX_PIXELS)  # Pillow's own limit follows the engine's (one limit per process)
    shown_host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    app = create_app(EngineConfig(token=token, max_body_bytes=args.max_request_mb * 1024 * 1024,
                                  workers=args.workers, max_waiting=args.max_queue,
                                  allowed_hosts=_allowed_hosts(args.host, args.allow_host)))
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, lifespan="on",
                            timeout_graceful_shutdown=3)
    server = _Server(config, f"listening on http://{shown_host}:{port}")
    if args.exit_with_stdin:
        threading.Thread(target=_stop_at_end_of_input, args=(server,), name="engine-stdin", daemon=True).start()
    server.run(sockets=[sock])
    return 0


def _allowed_hosts(listen_host: str, extra: list[str]) -> tuple[str, ...]:
    """Host names answered besides loopback: those named, and the address listened on when it is not loopback."""
    wildcard = listen_host in ("0.0.0.0", "::")
    return tuple(extra) + (() if is_loopback(listen_host) or wildcard else (listen_host,))


def _stop_at_end_of_input(server: uvicorn.Server) -> None:
    """Block until stdin reaches end of file (its writer, the app, closed it or died), then stop the server."""
    with contextlib.suppress(OSError, ValueError):
        while sys.stdin.buffer.read(4096):
            pass
    server.should_exit = True


if __name__ == "__main__":
    sys.exit(main())
