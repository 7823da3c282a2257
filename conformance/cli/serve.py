"""`conformance serve`: run the reference relay on uvicorn, with faults and latency on demand.

Prints each provider's base URL and where the accepted keys come from (never the keys). The
access log is off: Google clients may send their key as `?key=`, and a log line with the query
string would leak it.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from typing import Any

from conformance.cli.common import EXIT_OK, EXIT_USAGE, UsageError, load_or_report
from conformance.server.control import JOURNAL_PATH
from conformance.server.faults import FAULT_DESCRIPTIONS, FAULTS, parse_latency
from conformance.server.journal import DEFAULT_ENTRIES
from conformance.server.options import CHAT_FORMS, DEFAULT_KEY, KEY_ENV, RelayOptions


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the reference relay (every provider of the specs, offline)",
        description="Serve every provider of the specs at http://HOST:PORT/<provider>/<path>, "
        "as documented, with optional faults. See docs/relay.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="faults:\n" + "\n".join(f"  {n:20} {d}" for n, d in FAULT_DESCRIPTIONS.items()),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8080, help="port to bind (default 8080; 0 picks a free one)"
    )
    parser.add_argument(
        "--provider",
        action="append",
        metavar="P",
        dest="providers",
        help="serve only this provider (repeatable; default: all)",
    )
    parser.add_argument(
        "--key",
        action="append",
        metavar="VALUE",
        dest="keys",
        help=f"accepted API key (repeatable; default ${KEY_ENV}, else {DEFAULT_KEY!r})",
    )
    parser.add_argument(
        "--fault",
        action="append",
        metavar="NAME",
        dest="faults",
        default=[],
        help="inject a fault (repeatable); see the list below",
    )
    parser.add_argument(
        "--latency",
        metavar="SECONDS",
        help="delay every API answer: fixed (0.5) or a range (0.1-2)",
    )
    parser.add_argument(
        "--payload",
        choices=("small", "realistic"),
        default="small",
        help="small solid images (default) or incompressible ones of realistic byte size",
    )
    parser.add_argument(
        "--chat-image-form",
        choices=CHAT_FORMS,
        default="images",
        help="where chat-completion answers put images: message.images[] (default), "
        "message.content as content parts, or Portkey's message.content_blocks[]",
    )
    parser.add_argument(
        "--job-steps",
        type=int,
        default=2,
        metavar="N",
        help="polls a job shows as not finished before it completes (default 2)",
    )
    parser.add_argument(
        "--journal",
        type=int,
        default=DEFAULT_ENTRIES,
        metavar="N",
        help=f"requests kept in the journal at {JOURNAL_PATH} (default {DEFAULT_ENTRIES}; 0: off)",
    )
    parser.add_argument(
        "--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug")
    )
    parser.set_defaults(func=run)


def options_from(
    args: argparse.Namespace, environ: dict[str, str] | None = None
) -> tuple[RelayOptions, str]:
    """The relay options the arguments ask for, and a description of where the keys came from."""
    env = os.environ if environ is None else environ
    if args.keys:
        keys, source = tuple(args.keys), f"--key ({len(args.keys)} key(s))"
    elif env.get(KEY_ENV):
        keys, source = (env[KEY_ENV],), f"${KEY_ENV}"
    else:
        keys, source = (DEFAULT_KEY,), "the default local key (see docs/relay.md)"
    unknown = [name for name in args.faults if name not in FAULTS]
    if unknown:
        raise UsageError(f"unknown fault(s): {', '.join(unknown)}; known: {', '.join(FAULTS)}")
    try:
        latency = parse_latency(args.latency) if args.latency else None
        options = RelayOptions(
            keys=keys,
            faults=frozenset(args.faults),
            latency=latency,
            payload=args.payload,
            providers=tuple(args.providers) if args.providers else None,
            job_steps=args.job_steps,
            journal=args.journal,
            chat_form=args.chat_image_form,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return options, source


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says
    # TCP, and without it Nagle + delayed ACK add ~40 ms to every answer.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from conformance.server.app import create_app

    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    options, key_source = options_from(args)
    try:
        app = create_app(spec, options)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{shown_host}:{port}"
    relay = app.state.relay
    print(f"conformance relay listening on {base}", flush=True)
    for routes in relay.routes.values():
        print(f"  {routes.provider.id:12} {base}/{routes.provider.id}")
    print(f"accepting API keys from {key_source}")
    if options.faults:
        print(f"faults: {', '.join(sorted(options.faults))}")
    if options.latency:
        print(f"latency: {options.latency[0]:g}-{options.latency[1]:g} s")
    if options.journal:
        print(f"journal: {base}{JOURNAL_PATH} (last {options.journal} requests, keys redacted)")
    print(f"payload: {options.payload}; press Ctrl+C to stop", flush=True)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    config = uvicorn.Config(
        app,
        log_level=args.log_level,
        access_log=False,
        server_header=False,
        timeout_keep_alive=30,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # Ctrl+C is how a relay is meant to stop
    finally:
        sock.close()
    return EXIT_OK
