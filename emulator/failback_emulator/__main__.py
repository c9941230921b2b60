"""Start the emulator: `python -m failback_emulator --host 127.0.0.1 --port 4566`."""

import argparse
import sys

from moto.server import run_simple, DomainDispatcherApplication, create_backend_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="failback_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument(
        "--allow-any-host",
        action="store_true",
        help="allow a non-loopback --host (inside a container only)",
    )
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.allow_any_host:
        print("failback_emulator: refusing to listen beyond loopback", file=sys.stderr)
        return 2
    app = DomainDispatcherApplication(create_backend_app)
    print(f"failback emulator listening on http://{args.host}:{args.port}", flush=True)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
