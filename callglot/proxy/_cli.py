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
    try:
        import uvicorn

        from callglot.proxy import create_app

        app = create_app(config)
    except ImportError as exc:
        print(f"callglot: proxy needs the server extra ({exc}): pip install 'callglot[server]'", file=sys.stderr)
        return 2
    print(
        f"callglot: proxy {config.app.dialect} -> {config.vendor.dialect} on http://{args.host}:{args.port}",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
