"""``callglot proxy --config proxy.toml``: serve the translating proxy with uvicorn."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

__all__ = ["add_proxy_parser", "cmd_proxy"]


def add_proxy_parser(sub: Any) -> argparse.ArgumentParser:
    proxy = sub.add_parser(
        "proxy",
        help="run the translating proxy (needs the server extra: pip install 'callglot[server]')",
        description="Serve the translating proxy: the app speaks its dialect to it, it speaks the vendor's. "
        'The config file (TOML) names both sides; secrets are read from the environment ("env:NAME").',
    )
    proxy.add_argument("--config", required=True, help="the TOML configuration file")
    proxy.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    proxy.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    proxy.add_argument(
        "--dead-letters", action="store_true", help="Redis mode: list the webhooks the app never took, and exit"
    )
    proxy.add_argument("--replay", metavar="ID", help="Redis mode: queue a dead-lettered webhook again, and exit")
    proxy.set_defaults(run=cmd_proxy)
    parser: argparse.ArgumentParser = proxy
    return parser


def cmd_proxy(args: argparse.Namespace) -> int:
    from callglot.proxy import ConfigError, load_config

    try:
        config = load_config(args.config, os.environ)
    except ConfigError as exc:
        print(f"callglot: proxy: {args.config}: {exc}", file=sys.stderr)
        return 2
    if args.dead_letters or args.replay:
        return _dead_letters(config, args.replay)
    try:
        import uvicorn  # noqa: F401 - the server extra, checked before anything starts

        from callglot.proxy import create_app

        app = create_app(config)
    except ImportError as exc:
        print(f"callglot: proxy needs the server extra ({exc}): pip install 'callglot[server]'", file=sys.stderr)
        return 2
    print(
        f"callglot: proxy {config.app.dialect} -> {config.vendor.dialect} on http://{args.host}:{args.port}",
        file=sys.stderr,
    )
    from callglot._server import serve

    serve(app, host=args.host, port=args.port)
    return 0


def _dead_letters(config: Any, replay: str | None) -> int:
    """List the dead letters as JSON lines, or replay one."""
    import asyncio
    import json

    if config.store is None:
        print("callglot: proxy: dead letters exist only in Redis mode (store = redis://...)", file=sys.stderr)
        return 2

    async def run() -> int:
        import redis.asyncio

        from callglot.proxy._delivery import DurableQueue

        client = redis.asyncio.Redis.from_url(config.store, decode_responses=True)
        try:
            queue = DurableQueue(client)
            if replay is not None:
                if not await queue.replay(replay):
                    print(f"callglot: proxy: no dead letter {replay}", file=sys.stderr)
                    return 1
                print(json.dumps({"replayed": replay}))
                return 0
            for letter in await queue.dead_letters():
                print(json.dumps(letter))
            return 0
        finally:
            await client.aclose()

    return asyncio.run(run())
