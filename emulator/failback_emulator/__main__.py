"""Start the emulator: `python -m failback_emulator --host 127.0.0.1 --port 4566 --profile fast`."""

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="failback_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument(
        "--allow-any-host",
        action="store_true",
        help="allow a non-loopback --host (inside a container only)",
    )
    parser.add_argument(
        "--profile",
        help="timing profile: fast, realistic, demo or a JSON file "
        "(default: $FAILBACK_EMULATOR_PROFILE or fast)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        help="multiply the profile's AWS-like durations by this "
        "(default: the profile's; $FAILBACK_EMULATOR_SCALE)",
    )
    parser.add_argument("--seed", help="seed of the fault decisions (default: $FAILBACK_EMULATOR_SEED or 0)")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.allow_any_host:
        print("failback_emulator: refusing to listen beyond loopback", file=sys.stderr)
        return 2

    # moto's catalogue of public Amazon AMIs costs ~0.5 s of CPU per account and region, and the
    # failback never launches from it: off unless asked for.
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

    from .app import build_app, build_plain_app
    from .faults import faults
    from .profile import settings, startup_spec

    try:
        settings.start(*startup_spec(args.profile, args.scale))
    except ValueError as error:
        print(f"failback_emulator: {error}", file=sys.stderr)
        return 2
    faults.seed = str(args.seed or os.environ.get("FAILBACK_EMULATOR_SEED") or "0")
    plain = os.environ.get("FAILBACK_EMULATOR_PLAIN", "")
    app = build_plain_app(seeding_keys=plain == "keys") if plain else build_app()

    import logging

    from werkzeug.serving import WSGIRequestHandler, run_simple

    class KeepAliveHandler(WSGIRequestHandler):
        # HTTP/1.0 closed the connection after every answer: each AWS call cost a TCP handshake and a
        # new thread in the emulator, which was most of its CPU once hundreds of calls were in flight.
        protocol_version = "HTTP/1.1"

    # A line per request cost the emulator a tenth of its CPU under load (the benchmark): errors only,
    # unless FAILBACK_EMULATOR_ACCESS_LOG=1 asks for every request.
    if os.environ.get("FAILBACK_EMULATOR_ACCESS_LOG") != "1":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    profile = settings.profile
    print(
        f"failback emulator listening on http://{args.host}:{args.port} "
        f"(profile {profile.name}, scale {profile.scale:g}; admin API at /_emulator/)",
        flush=True,
    )
    run_simple(
        args.host, args.port, app, threaded=True, use_reloader=False, request_handler=KeepAliveHandler
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
