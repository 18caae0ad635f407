"""``kore-tui demo-server``: the local demo server until interrupted."""

from __future__ import annotations

import argparse
import os

from kore_tui.cli.common import ENV_DEMO_SECRET, EXIT_OK


def run_demo_server(args: argparse.Namespace) -> int:
    import threading

    from kore_tui.demo.data import STREAMS
    from kore_tui.demo.server import DemoServer

    secret = os.environ.pop(ENV_DEMO_SECRET, None) or None  # taken out: no child process inherits it
    server = DemoServer(host=args.host, port=args.port, latency=args.latency, page_cap=args.page_cap,
                        budget=args.budget, secret=secret)
    server.start()
    print(f"kore-tui demo server on {server.url}")
    print(f"  KORE_HOST={server.url}")
    print(f"  KORE_ACCOUNT_ID={server.account_id}")
    print(f"  KORE_CLIENT_ID={server.client_id}")
    print(f"  KORE_CLIENT_SECRET={server.secret}")
    print("  streams: " + ", ".join(s.id for s in STREAMS))
    print("Ctrl+C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return EXIT_OK
